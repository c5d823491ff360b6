import ArgumentParser
import OrientirFootprints
import OrientirIndicators
import OrientirProjections

/// `orientir footprint person|org|municipality ID`: everything the log says about one subject.
struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint", abstract: "Show the footprint of a person, organisation or municipality.")

    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case person, org, municipality
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var asOf: AsOfOptions

    @Argument(help: "person, org or municipality.")
    var subject: Subject

    @Argument(help: "The subject's id.")
    var id: String

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    func run() throws {
        let directory = try storeOptions.directory()
        let json: JSONText
        switch subject {
        case .person:
            let (index, _) = try ReadModels.fold(SubjectIndex.self, directory: directory, cut: try asOf.cut())
            let footprint = PersonFootprint(personId: id, index: index)
            guard !footprint.timeline.isEmpty else { throw CommandFailure("no events of person \(id)") }
            json = footprint.json
        case .org:
            let (index, _) = try ReadModels.fold(SubjectIndex.self, directory: directory, cut: try asOf.cut())
            let footprint = OrganisationFootprint(orgId: id, index: index)
            guard !footprint.timeline.isEmpty else { throw CommandFailure("no events of organisation \(id)") }
            json = footprint.json
        case .municipality:
            let (facts, _) = try ReadModels.fold(IndicatorFacts.self, directory: directory, cut: try asOf.cut())
            guard facts.municipalities.id(of: id) != nil else { throw CommandFailure("no events of municipality \(id)") }
            json = MunicipalityFootprint(municipalityId: id, facts: facts).json
        }
        var output = StandardOutput()
        switch format {
        case .json: output.append(json.pretty + "\n")
        case .text: output.append(Self.text(json, indent: ""))
        }
        output.flush()
        Diagnostics.exitLeavingMemoryToTheSystem()
    }

    /// An indented outline of the footprint for people.
    static func text(_ value: JSONText, indent: String) -> String {
        switch value {
        case .object(let fields):
            return fields.map { key, value in
                switch value {
                case .object(let inner) where !inner.isEmpty: indent + key + ":\n" + text(value, indent: indent + "  ")
                case .array(let items) where !items.isEmpty: indent + key + ":\n" + text(value, indent: indent + "  ")
                default: indent + key + ": " + text(value, indent: "")
                }
            }.joined()
        case .array(let items):
            return items.map { item in
                if case .object(let fields) = item {
                    return indent + "- " + fields.map { "\($0.0)=\(text($0.1, indent: "").dropLast())" }.joined(separator: "  ") + "\n"
                }
                return indent + "- " + text(item, indent: "")
            }.joined()
        case .string(let string): return string + "\n"
        case .null: return "—\n"
        default: return value.rendered + "\n"
        }
    }
}
