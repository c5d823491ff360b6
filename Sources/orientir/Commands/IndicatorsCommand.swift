import ArgumentParser
import OrientirIndicators
import OrientirProjections

/// `orientir indicators`: the indicators of READ_MODELS.md §2 as a table, JSON or CSV.
struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Compute the programme's indicators for scopes and periods.",
        discussion: "Without --scope: every region and municipality row for every academic year with events.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var asOf: AsOfOptions

    @Option(name: .long, help: "region[:CODE], municipality:ID or organisation:ID.")
    var scope: String?

    @Option(name: .long, help: "An academic year (2023-24) or a calendar year (2024).")
    var period: String?

    @Option(name: .long, help: "One indicator id.")
    var indicator: String?

    @Option(name: .long, help: "table, json or csv.")
    var format: Format = .table

    @Flag(name: .long, help: "Name the events (positions and ids) behind each value.")
    var explain = false

    func run() throws {
        var query = IndicatorQuery(explain: explain)
        var onlyRegions = false
        if scope == "region" {
            onlyRegions = true  // every region's rows, whatever its code
        } else if let scope {
            guard let parsed = Scope(scope) else {
                throw CommandFailure("--scope: \(scope) is not region:CODE, municipality:ID or organisation:ID",
                                     status: .usage)
            }
            query.scope = parsed
        }
        if let period {
            guard let parsed = Period(period) else {
                throw CommandFailure("--period: \(period) is not 2023-24 or 2024", status: .usage)
            }
            query.period = parsed
        }
        if let indicator {
            guard let parsed = Indicator(rawValue: indicator) else {
                throw CommandFailure("--indicator: no indicator \(indicator)", status: .usage)
            }
            query.indicators = [parsed]
        }
        let directory = try storeOptions.directory()
        let (facts, point) = try ReadModels.fold(IndicatorFacts.self, directory: directory, cut: try asOf.cut())
        var rows = facts.indicators(query)
        if onlyRegions {
            rows = rows.filter { if case .region = $0.scope { true } else { false } }
        }
        var output = StandardOutput()
        switch format {
        case .json:
            output.append(IndicatorOutput.json(
                rows, asOfPosition: point.lastPosition,
                asOfRecordedAt: point.lastRecordedAt.map { Instant.format(microseconds: $0) }))
        case .csv:
            output.append(IndicatorOutput.csv(rows))
        case .table:
            output.append(IndicatorOutput.table(rows))
        }
        output.flush()
        Diagnostics.exitLeavingMemoryToTheSystem()
    }
}
