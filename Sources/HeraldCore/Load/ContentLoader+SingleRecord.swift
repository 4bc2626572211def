import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentLoader {
    // MARK: - One record at a time (for the CLI, which must not read the whole store)

    /// site.yml alone.
    package func loadSettings() throws -> SiteSettings {
        var diagnostics: [Diagnostic] = []
        let settings = loadSettings(into: &diagnostics)
        if let settings, !diagnostics.hasErrors { return settings }
        throw DiagnosticsError(diagnostics)
    }

    /// One incident, validated against `settings`.
    package func loadIncident(id: String, settings: SiteSettings) throws -> Incident {
        let (incident, diagnostics) = loadIncident(id, settings: settings, folder: readRecord(id, kind: "incidents"))
        if let incident, !diagnostics.hasErrors { return incident }
        throw DiagnosticsError(diagnostics)
    }

    /// One maintenance, validated against `settings`.
    package func loadMaintenance(id: String, settings: SiteSettings) throws -> Maintenance {
        let (maintenance, diagnostics) = loadMaintenance(id, settings: settings, folder: readRecord(id, kind: "maintenance"))
        if let maintenance, !diagnostics.hasErrors { return maintenance }
        throw DiagnosticsError(diagnostics)
    }

    /// One record folder of a kind (`incidents` or `maintenance`), read without stamping it.
    func readRecord(_ id: String, kind: String) -> RecordFolder {
        let parent = OpenFolder(absolute("content/" + kind))
        return withExtendedLifetime(parent) { RecordFolder.read(id, in: parent.descriptor, reference: nil) }
    }

    /// The ids of the record folders of a kind (`incidents` or `maintenance`), without reading them.
    package func recordIDs(_ kind: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: absolute("content/" + kind))) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }
}
