import Foundation
import HeraldCore

/// A scratch site for this process, whose content/people.yml each input replaces.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fuzz-people-\(getpid())", isDirectory: true)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntryPoints.people(UnsafeRawBufferPointer(start: data, count: size), folder: folder)
    return 0
}
