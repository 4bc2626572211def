import Foundation
import HeraldCore

/// Notices changes under content/ and templates/ by their paths, sizes and modification times.
package enum ChangeWatcher {
    package static func fingerprint(_ layout: SiteLayout) -> [String: String] {
        var result: [String: String] = [:]
        for folder in [layout.content, layout.templates] {
            guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey]) else {
                continue
            }
            for case let url as URL in enumerator {
                let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                result[url.path] = "\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)/\(values?.fileSize ?? -1)"
            }
        }
        return result
    }
}
