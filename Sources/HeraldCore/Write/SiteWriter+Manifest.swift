import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SiteWriter {
    // MARK: - Reading what the last builds left

    package func readPrevious() -> Previous {
        var previous = Previous()
        guard Tree(stateFolder) != nil else { return previous }  // none yet, or not a real folder
        previous.live = Tree(output.path)
        if let live = previous.live, let manifest = readManifest(of: live) {
            previous.liveManifest = manifest
            previous.verified = Self.verify(manifest, in: output.path)
            previous.keys = previous.verified.compactMapValues(\.key)
        }
        previous.spare = Tree(spareFolder)
        if let spare = previous.spare, spare != previous.live {
            if let bytes = FileBytes.read(journalPath(spare)) {
                if let names = Self.parseJournal(bytes) { previous.spareJournal = names } else { previous.spareJournalBroken = true }
            }
            if let manifest = readManifest(of: spare) {
                previous.spareManifest = manifest
                if previous.spareJournal == nil { previous.spareVerified = Self.verify(manifest, in: spareFolder) }
            }
        }
        return previous
    }

    /// The manifest of `tree` in the state folder, or nil when there is none or it is not sound.
    func readManifest(of tree: Tree) -> Manifest? {
        guard let bytes = FileBytes.read(manifestPath(tree)) else { return nil }
        return Self.parseManifest(bytes)
    }

    /// The entries of `manifest` whose files under `folder` are as written (size, time, inode).
    static func verify(_ manifest: Manifest, in folder: String) -> [String: Manifest.Entry] {
        let open = OpenFolder(folder)
        guard open.descriptor >= 0 else { return [:] }
        var verified = manifest.entries
        for (path, entry) in manifest.entries {
            guard let info = status(path, in: open.descriptor), info.size == entry.size, info.mtime == entry.mtime, info.inode == entry.inode else {
                verified[path] = nil
                continue
            }
        }
        return verified
    }

    static func status(_ path: String, in folder: Int32) -> (size: Int, mtime: Int64, inode: UInt64)? {
        var info = stat()
        guard fstatat(folder, path, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return (Int(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), UInt64(info.st_ino))
    }

    /// Whether `path` is a plain relative path: not empty, no leading `/`, no empty, `.` or `..`
    /// part, no control character, 4,096 bytes in all.
    static func isSafePath<C: Collection<UInt8>>(_ path: C) -> Bool {
        guard !path.isEmpty, path.count <= 4096 else { return false }
        var partLength = 0
        var dots = 0  // the part so far is only dots
        for byte in path {
            if byte == 47 {  // "/"
                guard partLength > 0, !(dots == partLength && dots <= 2) else { return false }
                partLength = 0
                dots = 0
                continue
            }
            guard byte >= 32, byte != 127 else { return false }
            partLength += 1
            if byte == 46 { dots += 1 }
        }
        return partLength > 0 && !(dots == partLength && dots <= 2)
    }

    static func isSafePath(_ path: String) -> Bool { isSafePath(path.utf8) }

    /// The manifest in `bytes`, or nil unless every part of it is sound: the header, the version,
    /// one line per file (`path<TAB>size<TAB>mtime<TAB>inode<TAB>hash<TAB>key`, each path safe and
    /// listed once), and a last line `end <checksum of everything before it>`. Byte by byte,
    /// through one pointer: a large site's manifest has tens of thousands of lines, read on every
    /// build.
    static func parseManifest(_ bytes: [UInt8]) -> Manifest? {
        var manifest = Manifest()
        manifest.bytes = bytes
        let sound = bytes.withUnsafeBufferPointer { buffer -> Bool in
            let count = buffer.count
            // The last line: "end <hex>\n".
            guard count > 1, buffer[count - 1] == 10 else { return false }
            var endStart = count - 1
            while endStart > 0, buffer[endStart - 1] != 10 { endStart -= 1 }
            let endLine = endStart..<(count - 1)
            guard endLine.count > 4, UnsafeBufferPointer(rebasing: buffer[endStart..<endStart + 4]).elementsEqual("end ".utf8),
                let sum = number(buffer, endLine.lowerBound + 4..<endLine.upperBound, radix: 16),
                sum == StableHasher.checksum(UnsafeBufferPointer(rebasing: buffer[..<endStart]))
            else { return false }
            var lineStart = 0
            func nextLine() -> Range<Int>? {
                guard lineStart < endStart else { return nil }
                var end = lineStart
                while end < endStart && buffer[end] != 10 { end += 1 }
                let line = lineStart..<end
                lineStart = end + 1
                return line
            }
            guard nextLine() != nil, let version = nextLine(),
                UnsafeBufferPointer(rebasing: buffer[version]).elementsEqual(Self.manifestVersion.utf8)
            else { return false }
            manifest.entries.reserveCapacity(count / 96)
            manifest.paths.reserveCapacity(count / 96)
            while let line = nextLine() {
                var fields: [Range<Int>] = []
                fields.reserveCapacity(6)
                var start = line.lowerBound
                for index in line where buffer[index] == 9 {
                    fields.append(start..<index)
                    start = index + 1
                }
                fields.append(start..<line.upperBound)
                guard fields.count == 6, isSafePath(UnsafeBufferPointer(rebasing: buffer[fields[0]])),
                    let size = number(buffer, fields[1], radix: 10), size <= UInt64(Int.max),
                    let mtime = number(buffer, fields[2], radix: 10), mtime <= UInt64(Int64.max),
                    let inode = number(buffer, fields[3], radix: 10), let hash = number(buffer, fields[4], radix: 16),
                    let path = String(validating: UnsafeBufferPointer(rebasing: buffer[fields[0]]), as: UTF8.self)
                else { return false }
                let keyField = fields[5]
                let key: UInt64?
                if keyField.count == 1, buffer[keyField.lowerBound] == 45 {
                    key = nil
                } else {
                    guard let value = number(buffer, keyField, radix: 16) else { return false }
                    key = value
                }
                var entry = Manifest.Entry(size: Int(size), mtime: Int64(mtime), inode: inode, hash: hash, key: key)
                entry.line = line
                guard manifest.entries.updateValue(entry, forKey: path) == nil else { return false }  // listed twice
                manifest.paths.append(path)
            }
            return true
        }
        return sound ? manifest : nil
    }

    /// A number of at most 20 digits in `field`.
    static func number(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, radix: UInt64) -> UInt64? {
        guard !field.isEmpty, field.count <= 20 else { return nil }
        var value: UInt64 = 0
        for index in field {
            let b = buffer[index]
            let digit: UInt64
            switch b {
            case 48...57: digit = UInt64(b - 48)
            case 97...102 where radix == 16: digit = UInt64(b - 87)
            default: return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            guard !overflow else { return nil }
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !carry else { return nil }
            value = sum
        }
        return value
    }

    /// One line per file: `path<TAB>size<TAB>mtime<TAB>inode<TAB>hash (hex)<TAB>key (hex, or -)`,
    /// then `end <checksum>`. Written as bytes: string interpolation and `String(radix:)` made this
    /// 5 % of a no-op rebuild. An entry read from `source` (the last manifest) and kept as it was is
    /// copied from there (formatting 11,000 lines' numbers took 30 million instructions).
    static func manifestBytes(_ entries: [(String, Manifest.Entry)], source: [UInt8] = []) -> [UInt8] {
        var bytes = Array((manifestHeader + "\n" + manifestVersion + "\n").utf8)
        bytes.reserveCapacity(bytes.count + entries.count * 110)
        func number(_ value: UInt64, radix: UInt64) {
            // Least significant digit first, then turned around.
            let start = bytes.count
            var value = value
            repeat {
                let digit = UInt8(value % radix)
                bytes.append(digit < 10 ? 48 + digit : 87 + digit)
                value /= radix
            } while value > 0
            bytes[start...].reverse()
        }
        for (path, entry) in entries {
            if let line = entry.line, line.upperBound <= source.count, lineStarts(source, line, with: path) {
                bytes.append(contentsOf: source[line])
                bytes.append(10)
                continue
            }
            bytes.append(contentsOf: path.utf8)
            bytes.append(9)
            number(UInt64(entry.size), radix: 10)
            bytes.append(9)
            number(UInt64(max(entry.mtime, 0)), radix: 10)
            bytes.append(9)
            number(entry.inode, radix: 10)
            bytes.append(9)
            number(entry.hash, radix: 16)
            bytes.append(9)
            if let key = entry.key { number(key, radix: 16) } else { bytes.append(45) }
            bytes.append(10)
        }
        let sum = bytes.withUnsafeBufferPointer { StableHasher.checksum($0) }
        bytes.append(contentsOf: "end ".utf8)
        number(sum, radix: 16)
        bytes.append(10)
        return bytes
    }

    /// Whether the manifest line `line` of `source` is `path` and a tab, then the rest (compared
    /// with memcmp: `starts(with:)` went through the string's UTF-8 view byte by byte).
    static func lineStarts(_ source: [UInt8], _ line: Range<Int>, with path: String) -> Bool {
        var path = path
        return path.withUTF8 { path in
            source.withUnsafeBufferPointer { source in
                guard let text = source.baseAddress, let name = path.baseAddress, path.count < line.count,
                    text[line.lowerBound + path.count] == 9
                else { return false }
                return memcmp(text + line.lowerBound, name, path.count) == 0
            }
        }
    }

    /// The names of a journal (`herald-writing 1`, then one safe path a line), or nil.
    static func parseJournal(_ bytes: [UInt8]) -> [String]? {
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.first == Substring(journalVersion) else { return nil }
        lines = lines.dropFirst()
        var names: [String] = []
        for line in lines {
            guard isSafePath(line.utf8) else { return nil }
            names.append(String(line))
        }
        return names
    }
}
