import Foundation

/// Renders the human-readable pages: the status page, incident and maintenance pages, the history
/// and the 404 page. Internal links are relative and point at `…/index.html`, so the site works under
/// any path and from `file://`.
package struct HTMLRenderer: OutputRenderer {
    package init() {}

    package var spreadsOverCores: Bool { true }

    package func render(_ context: RenderContext) -> [OutputFile] {
        // Which pages must be rendered: those whose source key (see RenderContext.sourceKey) is
        // not the last build's. Only their incidents' views are built. The incident pages whose
        // key matched are kept as they are, found on both cores.
        let history = History(context)
        let kept = parallelMap(Array(context.incidents.indices)) { index -> OutputFile? in
            let path = Self.incidentPath(context.incidents[index].id)
            guard let key = history.incidentKeys[index], context.lastKeys[path] == key else { return nil }
            return .reused(path, key: key)
        }
        var needed = Set<Int>()
        for (index, file) in kept.enumerated() where file == nil { needed.insert(index) }
        for (position, month) in history.months.enumerated() {
            let key = history.monthKey(position)
            if key == nil || context.lastKeys[Self.monthPath(month)] != key { needed.formUnion(history.indices[month] ?? []) }
        }
        if history.indexKey == nil || context.lastKeys[History.indexPath] != history.indexKey {
            for month in history.months.prefix(3) { needed.formUnion(history.indices[month] ?? []) }
        }
        // Each needed incident's view is built once, for a page at the root, and moved to each
        // page's depth; other pages (the status page's few) build theirs when they ask.
        let order = needed.sorted()
        let built = parallelMap(order) { Self.incidentView(context.incidents[$0], context: context, from: "index.html") }
        let views = Dictionary(uniqueKeysWithValues: zip(order, built))
        @Sendable func view(_ prepared: PreparedIncident, from path: String) -> IncidentView {
            guard let view = views[prepared.position] else { return Self.incidentView(prepared, context: context, from: path) }
            return Self.relocated(view, to: path)
        }
        // The two largest pages first (the status page, and the history index with three months in
        // full), so that the cores share out the many small pages after them: a rebuild after one
        // update renders little else, and a large page started last would finish alone.
        var jobs: [@Sendable () -> OutputFile] = []
        jobs.append { statusPage(context, view: view) }
        jobs += historyPages(context, history, view: view)
        jobs.append { notFoundPage(context) }
        for (index, incident) in context.incidents.enumerated() where kept[index] == nil {
            jobs.append { incidentPage(incident, context, key: history.incidentKeys[index], view: view) }
        }
        for maintenance in context.maintenances { jobs.append { maintenancePage(maintenance, context) } }
        var files = parallelMap(jobs) { $0() }
        files.reserveCapacity(files.count + context.incidents.count + context.theme.assets.count)
        for file in kept { if let file { files.append(file) } }
        for (name, bytes) in context.theme.assets.sorted(by: { $0.key < $1.key }) {
            files.append(OutputFile(path: "assets/" + name, bytes: bytes))
        }
        return files
    }

    /// Incidents by month (newest first), with the source keys of the history pages.
    struct History: Sendable {
        static let indexPath = "history/index.html"
        var months: [String] = []
        /// Indices into `context.incidents`, per month key (`2026/11`).
        var indices: [String: [Int]] = [:]
        var incidentKeys: [UInt64?]
        var indexKey: UInt64?
        let base: UInt64?

        init(_ context: RenderContext) {
            incidentKeys = parallelMap(context.incidents) { context.sourceKey($0) }
            // By year and month as one number; the keys (`2026/11`) are made once per month.
            var order: [Int] = []
            var byMonth: [Int: [Int]] = [:]
            for (index, prepared) in context.incidents.enumerated() {
                let civil = prepared.state.createdAt.civil
                let month = civil.year * 12 + civil.month - 1
                if byMonth[month] == nil { order.append(month) }
                byMonth[month, default: []].append(index)
            }
            for month in order {
                let key = "\(pad(month / 12, 4))/\(pad(month % 12 + 1))"
                months.append(key)
                indices[key] = byMonth[month]
            }
            if let site = context.model.content.sourceKey {
                var hasher = StableHasher()
                hasher.combine("history-sources")
                hasher.combine(context.theme.key)
                hasher.combine(context.cacheSalt)
                hasher.combine(site)
                hasher.combine(context.headExtra)
                base = hasher.value
            } else {
                base = nil
            }
            // history/: every month with its count, and the latest three in full.
            if var hasher = base.map({ value -> StableHasher in
                var h = StableHasher()
                h.combine(value)
                return h
            }) {
                hasher.combine("index")
                var complete = true
                for (position, month) in months.enumerated() {
                    hasher.combine(month)
                    hasher.combine(UInt64(indices[month]!.count))
                    if position < 3 {
                        for index in indices[month]! {
                            guard let key = incidentKeys[index] else {
                                complete = false
                                break
                            }
                            hasher.combine(key)
                        }
                    }
                }
                indexKey = complete ? hasher.value : nil
            }
        }

        /// A month page: its incidents and its neighbours' labels and counts.
        func monthKey(_ position: Int) -> UInt64? {
            guard let base else { return nil }
            var hasher = StableHasher()
            hasher.combine(base)
            let month = months[position]
            hasher.combine(month)
            for index in indices[month]! {
                guard let key = incidentKeys[index] else { return nil }
                hasher.combine(key)
            }
            for neighbour in [position - 1, position + 1] where months.indices.contains(neighbour) {
                hasher.combine(months[neighbour])
                hasher.combine(UInt64(indices[months[neighbour]]!.count))
            }
            hasher.combine(UInt64(bitPattern: Int64(position)))
            return hasher.value
        }
    }

    // MARK: - Shared pieces

    /// `""` for a page at the root, `"../../"` for `incidents/x/index.html`.
    static func root(of path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }

    static func page(_ context: RenderContext, path: String, title: String, section: String) -> PageView {
        let root = root(of: path)
        let directory = path.hasSuffix("index.html") ? String(path.dropLast("index.html".count)) : path
        let settings = context.settings
        return PageView(
            title: title == settings.title ? title : "\(title) · \(settings.title)",
            root: root, siteTitle: settings.title, siteDescription: settings.description ?? "",
            canonical: context.absoluteURL(directory), feedAtom: context.absoluteURL("history.atom"),
            feedRSS: context.absoluteURL("history.rss"), generated: section == "status" && path == "index.html" ? TimeView(context.now) : nil,
            support: settings.support,
            section: section, isStatus: section == "status", isHistory: section == "history",
            isPostmortems: section == "postmortems", headExtra: context.headExtra)
    }

    static func incidentPath(_ id: String) -> String { "incidents/\(id)/index.html" }
    static func maintenancePath(_ id: String) -> String { "maintenance/\(id)/index.html" }
    static func postmortemPath(_ id: String) -> String { "postmortems/\(id)/index.html" }
    static func monthPath(_ key: String) -> String { "history/\(key)/index.html" }

    static func updateView(_ update: PreparedUpdate, context: RenderContext, incident: Bool) -> UpdateView {
        var changes: [ComponentChangeView] = []
        if case .update(_, let components) = update.event.kind {
            changes = components.map {
                ComponentChangeView(name: context.settings.component($0.id)?.name ?? $0.id, status: $0.status.rawValue, statusLabel: $0.status.label)
            }
        }
        let label = statusLabel(update.event, incident: incident)
        var view = UpdateView(
            status: update.status, statusLabel: label, at: TimeView(update.event.at), html: update.html, text: update.text, components: changes,
            hasComponents: !changes.isEmpty)
        view.edited = update.event.editedAt != nil
        if let severity = update.event.severity { view.note = "Impact changed to \(severity.rawValue)" }
        return view
    }

    /// How an update's status reads on pages and in feeds: "Identified", "Follow-up", "Cancelled".
    package static func statusLabel(_ event: Event, incident: Bool) -> String {
        let status = event.status ?? ""
        if event.isFollowUp { return "Follow-up" }
        if event.cancelled { return "Cancelled" }
        return incident ? (IncidentStatus(rawValue: status)?.label ?? status) : (MaintenanceStatus(rawValue: status)?.label ?? status)
    }

    static func componentView(_ component: Component, status: ComponentStatus, uptime: UptimeView?) -> ComponentView {
        ComponentView(
            id: component.id, name: component.name, description: component.description ?? "", status: status.rawValue,
            statusLabel: status.label, icon: icon(status), uptime: uptime)
    }

    /// A text symbol beside every status, so status is never told by colour alone.
    static func icon(_ status: ComponentStatus) -> String {
        switch status {
        case .operational: "✓"
        case .underMaintenance: "⚙"
        case .degradedPerformance: "!"
        case .partialOutage: "▲"
        case .majorOutage: "✕"
        }
    }

    /// An incident as shown in a list or card on the page at `from`.
    static func incidentView(_ prepared: PreparedIncident, context: RenderContext, from: String) -> IncidentView {
        let state = prepared.state
        let root = root(of: from)
        let end = state.resolvedAt ?? context.now
        let components = state.affectedComponents.compactMap { id -> ComponentView? in
            guard let component = context.settings.component(id) else { return nil }
            return componentView(component, status: state.componentStatus(of: id) ?? .operational, uptime: nil)
        }
        let updates = prepared.updates.reversed().map { updateView($0, context: context, incident: true) }
        return IncidentView(
            id: state.id, title: prepared.title, url: root + incidentPath(state.id), severity: state.severity.rawValue,
            severityLabel: state.severity.rawValue.capitalized + " impact", status: state.status.rawValue,
            statusLabel: state.status.label, isOpen: state.isOpen, reopened: state.reopened, upstream: state.incident.upstream,
            started: TimeView(state.startedAt), created: TimeView(state.createdAt), resolved: state.resolvedAt.map(TimeView.init),
            duration: DurationText.format(end.seconds - state.startedAt.seconds),
            componentNames: prepared.componentNames.joined(separator: ", "), components: components,
            summaryHTML: prepared.summaryHTML, hasSummary: !prepared.summaryHTML.isEmpty, updates: updates,
            latest: updates.first, postmortemURL: state.postmortem.map { _ in root + postmortemPath(state.id) })
    }

    /// A view built for a page at the root, with its links made relative to the page at `path`.
    static func relocated(_ view: IncidentView, to path: String) -> IncidentView {
        let root = root(of: path)
        guard !root.isEmpty else { return view }
        var view = view
        view.url = root + view.url
        view.postmortemURL = view.postmortemURL.map { root + $0 }
        return view
    }

    static func maintenanceView(_ prepared: PreparedMaintenance, context: RenderContext, from: String) -> MaintenanceView {
        let state = prepared.state
        let m = state.maintenance
        let updates = prepared.updates.reversed().map { updateView($0, context: context, incident: false) }
        return MaintenanceView(
            id: state.id, title: prepared.title, url: root(of: from) + maintenancePath(state.id), status: state.status.rawValue,
            statusLabel: state.cancelled ? "Cancelled" : state.status.label, isActive: state.isActive, scheduledStart: TimeView(m.scheduledStart),
            scheduledEnd: TimeView(m.scheduledEnd), window: DurationText.format(m.scheduledEnd.seconds - m.scheduledStart.seconds),
            componentNames: prepared.componentNames.joined(separator: ", "), summaryHTML: prepared.summaryHTML,
            hasSummary: !prepared.summaryHTML.isEmpty, updates: updates, hasUpdates: !updates.isEmpty)
    }

    // MARK: - Pages

    func statusPage(_ context: RenderContext, view: (PreparedIncident, String) -> IncidentView) -> OutputFile {
        let path = "index.html"
        let model = context.model
        let uptime = UptimeCalculator(context: context)
        var groups: [GroupView] = []
        var grouped: Set<String> = []
        for group in context.settings.groups {
            let components = group.componentIDs.compactMap { context.settings.component($0) }
            grouped.formUnion(group.componentIDs)
            groups.append(
                GroupView(
                    name: group.name, hasName: true,
                    components: components.map {
                        Self.componentView($0, status: model.componentStatus[$0.id] ?? .operational, uptime: uptime.view(for: $0.id))
                    }))
        }
        let ungrouped = context.settings.components.filter { !grouped.contains($0.id) }
        if !ungrouped.isEmpty {
            groups.insert(
                GroupView(
                    name: "", hasName: false,
                    components: ungrouped.map {
                        Self.componentView($0, status: model.componentStatus[$0.id] ?? .operational, uptime: uptime.view(for: $0.id))
                    }), at: 0)
        }
        let active = context.incidents.filter(\.state.isOpen).map { view($0, path) }
        let maintenanceByID = Dictionary(uniqueKeysWithValues: context.maintenances.map { ($0.id, $0) })
        let activeMaintenance = model.activeMaintenances.compactMap { maintenanceByID[$0.id] }.map { Self.maintenanceView($0, context: context, from: path) }
        let upcoming = model.upcomingMaintenances.compactMap { maintenanceByID[$0.id] }.map { Self.maintenanceView($0, context: context, from: path) }

        // The last 14 days, today first; each day lists the incidents that began on it.
        let today = context.now.startOfDay
        let oldest = today.adding(seconds: -13 * 86_400)
        var byDay: [Int64: [IncidentView]] = [:]
        for prepared in context.incidents {
            let day = prepared.state.createdAt.startOfDay
            if day < oldest { break }  // newest first: nothing older follows
            if day > today { continue }
            byDay[day.seconds, default: []].append(view(prepared, path))
        }
        let days = (0..<14).map { offset -> DayView in
            let day = today.adding(seconds: -Int64(offset) * 86_400)
            let incidents = byDay[day.seconds] ?? []
            return DayView(date: day.date, label: day.longDate, incidents: incidents, isEmpty: incidents.isEmpty)
        }
        let view = StatusPageView(
            page: Self.page(context, path: path, title: context.settings.title, section: "status"),
            overallIndicator: model.overall.indicator, overallDescription: model.overall.description,
            overallIcon: model.overall.indicator == "none" ? "✓" : model.overall.indicator == "maintenance" ? "⚙" : "!",
            active: active, hasActive: !active.isEmpty, activeMaintenance: activeMaintenance, upcomingMaintenance: upcoming,
            hasMaintenance: !(activeMaintenance.isEmpty && upcoming.isEmpty), groups: groups, days: days)
        return context.page(path, "index", view)
    }

    func incidentPage(_ prepared: PreparedIncident, _ context: RenderContext, key: UInt64?, view: (PreparedIncident, String) -> IncidentView) -> OutputFile {
        let path = Self.incidentPath(prepared.id)
        return context.page(path, "incident", sourceKey: key) {
            IncidentPageView(page: Self.page(context, path: path, title: prepared.title, section: "history"), incident: view(prepared, path))
        }
    }

    func maintenancePage(_ prepared: PreparedMaintenance, _ context: RenderContext) -> OutputFile {
        let path = Self.maintenancePath(prepared.id)
        let view = MaintenancePageView(
            page: Self.page(context, path: path, title: prepared.title, section: "status"),
            maintenance: Self.maintenanceView(prepared, context: context, from: path))
        return context.page(path, "maintenance", view)
    }

    func notFoundPage(_ context: RenderContext) -> OutputFile {
        // Served for any missing path, so relative links would break: use base_url's path instead.
        var page = Self.page(context, path: "404.html", title: "Page not found", section: "")
        page.root = URL(string: context.settings.baseURL)?.path ?? "/"
        if !page.root.hasSuffix("/") { page.root += "/" }
        return context.page("404.html", "not-found", NotFoundPageView(page: page))
    }

    /// `history/index.html` (the latest three months in full, then every month) and one page per month.
    func historyPages(_ context: RenderContext, _ history: History, view: @escaping @Sendable (PreparedIncident, String) -> IncidentView)
        -> [@Sendable () -> OutputFile]
    {
        let months = history.months
        @Sendable func label(_ key: String) -> String {
            let parts = key.split(separator: "/")
            return "\(Timestamp.monthNames[Int(parts[1])! - 1]) \(parts[0])"
        }
        @Sendable func link(_ key: String, from: String) -> MonthLinkView {
            let count = history.indices[key]?.count ?? 0
            return MonthLinkView(
                label: label(key), url: Self.root(of: from) + Self.monthPath(key), count: count, countLabel: count == 1 ? "1 incident" : "\(count) incidents")
        }
        @Sendable func section(_ key: String, from: String) -> HistoryMonthView {
            let incidents = (history.indices[key] ?? []).map { view(context.incidents[$0], from) }
            return HistoryMonthView(
                label: label(key), url: Self.root(of: from) + Self.monthPath(key), anchor: key.replacingOccurrences(of: "/", with: "-"), incidents: incidents,
                isEmpty: incidents.isEmpty)
        }
        var jobs: [@Sendable () -> OutputFile] = []
        jobs.append {
            let path = History.indexPath
            return context.page(path, "history", sourceKey: history.indexKey) {
                HistoryPageView(
                    page: Self.page(context, path: path, title: "Incident history", section: "history"), heading: "Incident history",
                    months: months.map { link($0, from: path) }, hasMonths: !months.isEmpty,
                    sections: months.prefix(3).map { section($0, from: path) }, previous: nil, next: nil)
            }
        }
        for (index, key) in months.enumerated() {
            jobs.append {
                let path = Self.monthPath(key)
                return context.page(path, "history", sourceKey: history.monthKey(index)) {
                    HistoryPageView(
                        page: Self.page(context, path: path, title: "Incidents in \(label(key))", section: "history"),
                        heading: "Incidents in \(label(key))", months: [], hasMonths: false, sections: [section(key, from: path)],
                        previous: index + 1 < months.count ? link(months[index + 1], from: path) : nil,
                        next: index > 0 ? link(months[index - 1], from: path) : nil)
                }
            }
        }
        return jobs
    }
}
