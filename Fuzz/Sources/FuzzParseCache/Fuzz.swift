import Foundation
import HeraldCore

/// The file each input is written to and mapped from, as a build maps `.herald-cache/cache`.
let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fuzz-cache-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntryPoints.parseCache(UnsafeRawBufferPointer(start: data, count: size), file: file)
    return 0
}
