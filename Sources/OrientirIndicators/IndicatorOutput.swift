import OrientirProjections

/// The output contract of READ_MODELS.md §2: JSON and CSV to the letter, and a table in Russian for people.
public enum IndicatorOutput {
    /// `{"asOf": {"position", "recordedAt"}, "rows": [...]}`; rows carry `provenance` only when explained.
    public static func json(_ rows: [IndicatorRow], asOfPosition: UInt64?, asOfRecordedAt: String?) -> String {
        let document = JSONText.object([
            ("asOf", .object([("position", asOfPosition.map { .int(Int($0)) } ?? .null),
                              ("recordedAt", .optional(asOfRecordedAt))])),
            ("rows", .array(rows.map(json))),
        ])
        return document.pretty + "\n"
    }

    public static func json(_ row: IndicatorRow) -> JSONText {
        var fields: [(String, JSONText)] = [
            ("indicator", .string(row.indicator.rawValue)),
            ("scope", .object([("kind", .string(row.scope.kind)), ("id", .string(row.scope.id))])),
            ("period", .string(row.period.description)),
            ("value", value(row)),
            ("numerator", .optional(row.numerator)),
            ("denominator", .optional(row.denominator)),
            ("cumulative", .optional(row.cumulative)),
            ("breakdown", row.breakdown.map { breakdown in
                JSONText.object(breakdown.map { entry in
                    (entry.key, row.indicator == .mentorsByKind ? .optional(entry.value.map { Int($0) }) : .optional(entry.value))
                })
            } ?? .null),
            ("target", row.target.map { JSONText.object([("op", .string(">=")), ("value", targetValue($0))]) } ?? .null),
            ("met", row.met.map { .bool($0) } ?? .null),
        ]
        if let provenance = row.provenance {
            func refs(_ list: [EventRef]) -> JSONText {
                .array(list.map { .object([("position", .int(Int($0.position))), ("id", .string($0.id.description))]) })
            }
            fields.append(("provenance", .object([("numerator", refs(provenance.numerator)),
                                                  ("denominator", refs(provenance.denominator))])))
        }
        return .object(fields)
    }

    static func value(_ row: IndicatorRow) -> JSONText {
        guard let value = row.value else { return .null }
        return row.indicator.kind == .count ? .int(Int(value)) : .double(value)
    }

    static func targetValue(_ target: Target) -> JSONText {
        target.isCount ? .int(Int(target.value)) : .double(target.value)
    }

    public static let csvHeader =
        "indicator,scope_kind,scope_id,period,value,numerator,denominator,cumulative,breakdown,target_op,target_value,met"

    /// One line per row; the breakdown flattened as `key=value;…`, empty cells for null.
    public static func csv(_ rows: [IndicatorRow]) -> String {
        var text = csvHeader + "\n"
        for row in rows {
            let breakdown = row.breakdown.map { entries in
                entries.map { "\($0.key)=\($0.value.map { row.indicator == .mentorsByKind ? String(Int($0)) : JSONText.number($0) } ?? "")" }
                    .joined(separator: ";")
            } ?? ""
            let fields: [String] = [
                row.indicator.rawValue, row.scope.kind, row.scope.id, row.period.description,
                value(row).csvCell, row.numerator.map(String.init) ?? "", row.denominator.map(String.init) ?? "",
                row.cumulative.map(String.init) ?? "", breakdown, row.target == nil ? "" : ">=",
                row.target.map { targetValue($0).csvCell } ?? "", row.met.map { $0 ? "true" : "false" } ?? "",
            ]
            text += fields.map(quoted).joined(separator: ",") + "\n"
        }
        return text
    }

    private static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// A table for people: Russian names, shares as percentages, targets, ✓/✗.
    public static func table(_ rows: [IndicatorRow]) -> String {
        var text = ""
        var heading = ""
        for row in rows {
            let title = "\(row.scope.kind == "region" ? "Регион" : row.scope.kind == "municipality" ? "Муниципалитет" : "Организация") \(row.scope.id), \(row.period.description) учебный год"
            if title != heading {
                heading = title
                text += "\n" + title + "\n" + String(repeating: "─", count: 100) + "\n"
            }
            var cells = pad(row.indicator.russianName, 72) + " " + pad(display(row), 14)
            if let target = row.target {
                cells += " цель ≥ " + pad(target.isCount ? String(Int(target.value)) : percent(target.value), 8)
            } else {
                cells += String(repeating: " ", count: 16)
            }
            cells += row.met == true ? " ✓" : row.met == false ? " ✗" : ""
            text += cells.trimmingSuffixSpaces() + "\n"
            if let breakdown = row.breakdown {
                let entries = breakdown.map { "\($0.key): \($0.value.map { row.indicator == .mentorsByKind ? String(Int($0)) : format($0) } ?? "—")" }
                text += "    " + entries.joined(separator: ", ") + "\n"
            }
            if let provenance = row.provenance {
                for (label, refs) in [("числитель", provenance.numerator), ("знаменатель", provenance.denominator)]
                where !refs.isEmpty {
                    text += "    \(label): " + refs.map { "#\($0.position) \($0.id)" }.joined(separator: ", ") + "\n"
                }
            }
        }
        return text
    }

    static func display(_ row: IndicatorRow) -> String {
        guard let value = row.value else { return "—" }
        switch row.indicator.kind {
        case .count:
            return row.cumulative.map { "\(Int(value)) (всего \($0))" } ?? String(Int(value))
        case .share:
            return percent(value) + (row.numerator.map { " (\($0)/\(row.denominator ?? 0))" } ?? "")
        case .mean:
            return row.indicator == .profileCompleteness ? percent(value) : format(value)
        }
    }

    static func percent(_ fraction: Double) -> String { format(fraction * 100) + " %" }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

extension JSONText {
    var csvCell: String {
        switch self {
        case .null: ""
        default: rendered
        }
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }

    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
