import ArgumentParser
import HeraldCLI

@main
struct HeraldMain: AsyncMainProtocol {
    typealias Command = Herald
}
