import ArgumentParser
import Foundation
import OrientirLog

/// The store every command works on: `--store DIR`, else `ORIENTIR_STORE`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default: $ORIENTIR_STORE).", valueName: "dir"))
    var store: String?

    func directory() throws -> String {
        if let store { return store }
        if let env = getenv("ORIENTIR_STORE").map({ String(cString: $0) }), !env.isEmpty { return env }
        throw CommandFailure("no store given: use `orientir --store DIR …` or set ORIENTIR_STORE", status: .usage)
    }

    /// Moves a `--store DIR` (or `--store=DIR`) given before the subcommand to after it, where the subcommand's
    /// own parser finds it; `orientir --store DIR read` and `orientir read --store DIR` mean the same.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var arguments = arguments
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            if arguments[index] == "--store", index + 1 < arguments.count {
                hoisted += arguments[index...index + 1]
                arguments.removeSubrange(index...index + 1)
            } else if arguments[index].hasPrefix("--store=") {
                hoisted.append(arguments.remove(at: index))
            } else {
                index += 1
            }
        }
        guard !hoisted.isEmpty else { return arguments }
        // Insert after the subcommand path (the leading words that are not options).
        var insertAt = 0
        while insertAt < arguments.count, !arguments[insertAt].hasPrefix("-"),
            Orientir.configuration.subcommands.contains(where: { $0._commandName == arguments[insertAt] })
                || (insertAt > 0 && ["write", "verify", "key"].contains(arguments[insertAt]))
        {
            insertAt += 1
        }
        arguments.insert(contentsOf: hoisted, at: insertAt)
        return arguments
    }
}

extension Durability: ExpressibleByArgument {}
