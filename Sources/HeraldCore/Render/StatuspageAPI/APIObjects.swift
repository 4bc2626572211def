import Foundation

extension StatuspageAPIRenderer {
    /// The API's objects for one build.
    struct API {
        var page: Page
        var status: Status
        var components: [APIComponent]
        var componentByID: [String: APIComponent]
        var incidents: [APIIncident]
        var maintenances: [APIIncident]
        var upcoming: [APIIncident]
        /// Every incident not resolved, newest first.
        var unresolved: [APIIncident]

        init(_ context: RenderContext) {
            let settings = context.settings
            let model = context.model
            let pageID = StableID.make("page:" + settings.baseURL)
            page = Page(id: pageID, name: settings.title, url: String(settings.baseURL.dropLast()), updated_at: Self.time(context.now))
            status = Status(indicator: model.overall.indicator, description: model.overall.description)

            // When each component last changed: its latest incident or maintenance update. This
            // walks every incident of the store on every build, so by the component's position in
            // site.yml (a few) rather than through a dictionary of ids.
            let ids = settings.components.map(\.id)
            var latestChange = [Timestamp?](repeating: nil, count: ids.count)
            func note(_ id: String, _ at: Timestamp) {
                guard let position = ids.firstIndex(of: id) else { return }
                latestChange[position] = max(latestChange[position] ?? at, at)
            }
            var first: Timestamp?
            for state in model.incidents {
                for id in state.affectedComponents { note(id, state.updatedAt) }
                first = min(first ?? state.createdAt, state.createdAt)
            }
            for state in model.maintenances where state.startedAt != nil {
                for id in state.maintenance.components { note(id, state.updatedAt) }
            }
            var changed: [String: Timestamp] = [:]
            for (position, id) in ids.enumerated() { changed[id] = latestChange[position] }
            let created = Self.time(first ?? context.now)
            var list: [APIComponent] = []
            var byID: [String: APIComponent] = [:]
            for component in settings.components {
                let groupID = component.group.map { StableID.make("group:" + $0) }
                let item = APIComponent(
                    id: StableID.make("component:" + component.id), name: component.name,
                    status: (model.componentStatus[component.id] ?? .operational).rawValue, created_at: created,
                    updated_at: Self.time(changed[component.id] ?? first ?? context.now), position: component.position,
                    description: component.description, showcase: true, start_date: nil, group_id: groupID, page_id: pageID,
                    group: false, only_show_if_degraded: false, components: nil)
                list.append(item)
                byID[component.id] = item
            }
            // Group objects, as Statuspage lists them: after their components, with their ids.
            for (index, group) in settings.groups.enumerated() {
                let members = group.componentIDs.compactMap { byID[$0] }
                let worst = group.componentIDs.map { model.componentStatus[$0] ?? .operational }.max { $0.rank < $1.rank } ?? .operational
                list.append(
                    APIComponent(
                        id: StableID.make("group:" + group.name), name: group.name, status: worst.rawValue, created_at: created,
                        updated_at: members.map(\.updated_at).max() ?? created, position: settings.components.count + index + 1,
                        description: nil, showcase: false, start_date: nil, group_id: nil, page_id: pageID, group: true,
                        only_show_if_degraded: false, components: members.map(\.id)))
            }
            components = list
            componentByID = byID
            let byComponent = byID
            // Only what some file lists: the 50 newest incidents (incidents.json) and every open one,
            // so the cost does not grow with the store's history.
            var latest: [APIIncident] = []
            var open: [APIIncident] = []
            for (offset, prepared) in context.incidents.enumerated() where offset < Self.listed || prepared.state.status != .resolved {
                let incident = Self.incident(prepared, context: context, pageID: pageID, components: byComponent)
                if offset < Self.listed { latest.append(incident) }
                if prepared.state.status != .resolved { open.append(incident) }
            }
            incidents = latest
            unresolved = open
            maintenances = context.maintenances.map { Self.maintenance($0, context: context, pageID: pageID, components: byComponent) }
            let upcomingIDs = model.upcomingMaintenances.map(\.id)
            let byMaintenance = Dictionary(uniqueKeysWithValues: zip(context.maintenances.map(\.id), maintenances))
            upcoming = upcomingIDs.compactMap { byMaintenance[$0] }
        }

        /// How many incidents incidents.json lists, as Statuspage does.
        static let listed = 50

        /// Statuspage's time format: `2026-11-22T14:05:00.000Z`.
        static func time(_ t: Timestamp) -> String { t.rfc3339Milliseconds }

        static func incident(_ prepared: PreparedIncident, context: RenderContext, pageID: String, components: [String: APIComponent]) -> APIIncident {
            let state = prepared.state
            let incidentID = StableID.make("incident:" + state.id)
            // Replay the updates to know each one's old and new component statuses.
            var replay = ComponentReplay(state.incident)
            var updates: [Update] = []
            for update in prepared.updates {
                guard case .update(let status, let changes) = update.event.kind else { continue }
                let before = replay
                replay.apply(update.event)
                let affected = changes.compactMap { change -> AffectedComponent? in
                    guard let component = components[change.id] else { return nil }
                    return AffectedComponent(
                        code: component.id, name: component.name, old_status: before.status(of: change.id).rawValue,
                        new_status: replay.status(of: change.id).rawValue)
                }
                let at = time(update.event.at)
                // A follow-up is Statuspage's `postmortem` update; an edited update keeps its id
                // and creation time, with `updated_at` the time of the last edit.
                updates.append(
                    Update(
                        id: StableID.make("update:\(state.id)/\(update.event.fileName)"), status: status == Event.followUp ? "postmortem" : status,
                        body: update.text,
                        incident_id: incidentID, created_at: at, updated_at: update.event.editedAt.map(time) ?? at, display_at: at,
                        affected_components: affected.isEmpty ? nil : affected))
            }
            return APIIncident(
                id: incidentID, name: prepared.title, status: state.status.rawValue, impact: state.severity.rawValue,
                created_at: time(state.createdAt), updated_at: time(state.updatedAt),
                shortlink: context.absoluteURL("incidents/\(state.id)/"), page_id: pageID, started_at: time(state.startedAt),
                monitoring_at: state.monitoringAt.map(time), resolved_at: state.resolvedAt.map(time), scheduled_for: nil,
                scheduled_until: nil, isMaintenance: false, components: state.affectedComponents.compactMap { components[$0] },
                incident_updates: updates.reversed())
        }

        static func maintenance(_ prepared: PreparedMaintenance, context: RenderContext, pageID: String, components: [String: APIComponent]) -> APIIncident {
            let state = prepared.state
            let m = state.maintenance
            let id = StableID.make("maintenance:" + state.id)
            let updates = prepared.updates.map { update -> Update in
                let at = time(update.event.at)
                return Update(
                    id: StableID.make("update:\(state.id)/\(update.event.fileName)"), status: update.status, body: update.text,
                    incident_id: id, created_at: at, updated_at: update.event.editedAt.map(time) ?? at, display_at: at, affected_components: nil)
            }
            return APIIncident(
                id: id, name: prepared.title, status: state.status.rawValue, impact: "maintenance",
                created_at: time(state.updates.first?.at ?? m.scheduledStart), updated_at: time(state.updatedAt),
                shortlink: context.absoluteURL("maintenance/\(state.id)/"), page_id: pageID,
                started_at: time(state.startedAt ?? m.scheduledStart), monitoring_at: nil, resolved_at: state.completedAt.map(time),
                scheduled_for: time(m.scheduledStart), scheduled_until: time(m.scheduledEnd), isMaintenance: true,
                components: m.components.compactMap { components[$0] }, incident_updates: updates.reversed())
        }
    }
}
