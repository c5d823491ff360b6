/// A JSON value written in a fixed key order, so read models render byte for byte the same everywhere.
public indirect enum JSONText: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONText])
    /// Keys in the order given.
    case object([(String, JSONText)])

    public static func optional(_ value: Int?) -> JSONText { value.map { .int($0) } ?? .null }
    public static func optional(_ value: Double?) -> JSONText { value.map { .double($0) } ?? .null }
    public static func optional(_ value: String?) -> JSONText { value.map { .string($0) } ?? .null }

    /// Compact text.
    public var rendered: String {
        var text = ""
        write(to: &text, indent: nil)
        return text
    }

    /// Indented text, two spaces a level.
    public var pretty: String {
        var text = ""
        write(to: &text, indent: "")
        return text
    }

    private func write(to text: inout String, indent: String?) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .int(let value): text += String(value)
        case .double(let value): text += Self.number(value)
        case .string(let value): Self.quote(value, into: &text)
        case .array(let items):
            guard !items.isEmpty else { text += "[]"; return }
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                if let indent { text += "\n" + indent + "  " }
                item.write(to: &text, indent: indent.map { $0 + "  " })
            }
            if let indent { text += "\n" + indent }
            text += "]"
        case .object(let fields):
            guard !fields.isEmpty else { text += "{}"; return }
            text += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { text += indent == nil ? ", " : "," }
                if let indent { text += "\n" + indent + "  " }
                Self.quote(key, into: &text)
                text += ": "
                value.write(to: &text, indent: indent.map { $0 + "  " })
            }
            if let indent { text += "\n" + indent }
            text += "}"
        }
    }

    /// Shortest text that reads back as the same double; integral values keep a `.0`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value.description
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
