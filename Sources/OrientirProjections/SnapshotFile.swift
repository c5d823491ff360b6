#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OrientirEvents
import OrientirLog

/// What a snapshot says about the fold it holds: how far it went and which retractions it knew.
public struct FoldPoint: Sendable, Hashable {
    /// The fold covers positions `0..<next`.
    public var next: UInt64
    /// `recordedAt` of the last record folded (nil before any).
    public var lastRecordedAt: Int64?
    /// Every retraction at a position below `horizon` is listed in `retractions`.
    public var horizon: UInt64
    /// Retractions known to the fold: (retraction's position, retracted id), in position order.
    public var retractions: [Retraction]
    /// Events below `next` the fold left out, with the position of the retraction that removed each.
    public var skipped: [Skipped]

    public struct Retraction: Sendable, Hashable {
        public var position: UInt64
        public var target: EventID
    }

    public struct Skipped: Sendable, Hashable {
        public var target: EventID
        public var position: UInt64
        public var retractionPosition: UInt64
    }

    public static let zero = FoldPoint(next: 0, lastRecordedAt: nil, horizon: 0, retractions: [], skipped: [])

    /// The last position folded, nil before any.
    public var lastPosition: UInt64? { next == 0 ? nil : next - 1 }
}

/// How a snapshot file stands to the others: a random nonce of its own and, for a delta, the fold position and
/// nonce of the periodic snapshot it extends.
public struct SnapshotLink: Sendable {
    public var nonce: UInt64
    public var base: (next: UInt64, nonce: UInt64)?

    public init(nonce: UInt64 = UInt64.random(in: 1...UInt64.max), base: (next: UInt64, nonce: UInt64)? = nil) {
        self.nonce = nonce
        self.base = base
    }
}

/// Snapshot files: `<name>.v<version>.snapshot` (the checkpoint) and `<name>.v<version>.at-<position>.snapshot`
/// (periodic, for as-of reads), each written whole or not at all: to a temp file renamed over the old one, and
/// checked by CRC-32C when read.
///
/// Layout: magic `ORSNAP03`, header length (8 bytes), header (name, version, fold point, link, growth table), body
/// (the projection's state), CRC-32C of header and body (4 bytes, little-endian). The link is a random nonce of the
/// file and, for a delta, the position and nonce of the periodic snapshot it extends; the growth table says where
/// each growing array's new elements lie in the body (``SnapshotWriter/growing(_:)``). A delta is read with its
/// chain of bases down to a whole snapshot; a base that is missing, damaged or replaced (another nonce) makes the
/// delta unusable, and the fold starts from another snapshot.
///
/// Snapshots are derived data and are not fsynced: the log is the durable truth. A snapshot a crash lost or tore
/// fails its length or CRC check when read, and the fold starts from an older one or from zero instead.
public struct SnapshotDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `<store>/projections`.
    public init(store: String) {
        self.init(path: store + "/projections")
    }

    static let magic: [UInt8] = Array("ORSNAP03".utf8)

    public func checkpointPath(_ name: String, version: Int) -> String {
        "\(path)/\(name).v\(version).snapshot"
    }

    public func periodicPath(_ name: String, version: Int, next: UInt64) -> String {
        let digits = String(next)
        return "\(path)/\(name).v\(version).at-\(String(repeating: "0", count: max(0, 20 - digits.count)) + digits).snapshot"
    }

    /// Writes a snapshot atomically.
    public func write(path file: String, name: String, version: Int, point: FoldPoint, body: [UInt8],
                      link: SnapshotLink = SnapshotLink()) throws(ProjectionError)
    {
        var writer = SnapshotWriter()
        writer.raw(body)
        // The body as given, without the length `raw` puts first.
        try write(path: file, name: name, version: version, point: point, body: writer, link: link, skippingFirst: 8)
    }

    /// Writes a snapshot atomically, its body from the writer's parts; `link` names it and, for a delta (a body
    /// written with ``SnapshotWriter/init(extending:)``), the periodic snapshot it extends.
    public func write(path file: String, name: String, version: Int, point: FoldPoint, body: SnapshotWriter,
                      link: SnapshotLink = SnapshotLink()) throws(ProjectionError)
    {
        try write(path: file, name: name, version: version, point: point, body: body, link: link, skippingFirst: 0)
    }

    private func write(
        path file: String, name: String, version: Int, point: FoldPoint, body: SnapshotWriter,
        link: SnapshotLink = SnapshotLink(), skippingFirst: Int
    ) throws(ProjectionError) {
        try SnapshotDirectory.makeDirectory(path)
        var header = SnapshotWriter()
        header.string(name)
        header.int(version)
        Self.write(point, to: &header)
        header.uint64(link.nonce)
        header.bool(link.base != nil)
        header.uint64(link.base?.next ?? 0)
        header.uint64(link.base?.nonce ?? 0)
        // A raw body (`skippingFirst`) has no growing arrays.
        let growth = skippingFirst == 0 ? body.growth : []
        header.int(growth.count)
        for entry in growth {
            header.int(entry.offset)
            header.int(entry.base)
            header.int(entry.count)
        }
        let headerBytes = header.bytes
        var head = SnapshotWriter()
        head.int(headerBytes.count)
        let prefix = Self.magic + head.bytes + headerBytes
        try FileIO.writeAtomically(file) { (emit: (UnsafeRawBufferPointer) throws(ProjectionError) -> Void) throws(ProjectionError) in
            var failure: ProjectionError?
            prefix.withUnsafeBytes { bytes in
                do throws(ProjectionError) { try emit(bytes) } catch { failure = error }
            }
            var crc = headerBytes.withUnsafeBytes { CRC32C.update(0, $0) }
            var skip = skippingFirst
            body.forEachPart { part in
                guard failure == nil else { return }
                let dropped = min(skip, part.count)
                skip -= dropped
                let piece = UnsafeRawBufferPointer(rebasing: part[dropped...])
                crc = CRC32C.update(crc, piece)
                do throws(ProjectionError) { try emit(piece) } catch { failure = error }
            }
            withUnsafeBytes(of: crc.littleEndian) { bytes in
                guard failure == nil else { return }
                do throws(ProjectionError) { try emit(bytes) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// The fold point of a snapshot file, read without its body; nil if the file is not a snapshot of that name.
    public func readPoint(path file: String, name: String, version: Int) -> FoldPoint? {
        guard let prefix = try? FileIO.read(file, limit: 16), prefix.count == 16,
            Array(prefix[0..<8]) == Self.magic
        else { return nil }
        var lengthReader = SnapshotReader(bytes: Array(prefix[8..<16]))
        guard let length = try? lengthReader.int(), length >= 0, length < 1 << 30,
            let bytes = try? FileIO.read(file, limit: 16 + length), bytes.count == 16 + length
        else { return nil }
        var reader = SnapshotReader(bytes: bytes, offset: 16)
        guard (try? reader.string()) == name, (try? reader.int()) == version else { return nil }
        return try? Self.readPoint(&reader)
    }

    /// The fold point and a reader positioned at the body (with the chain of bases of a delta).
    public func read(path file: String, name: String, version: Int) throws(ProjectionError)
        -> (FoldPoint, SnapshotReader)
    {
        let top = try open(file, name: name, version: version)
        var bases: [SnapshotReader.Base] = []
        var current = top
        while let base = current.link.base {
            guard base.next < current.point.next, bases.count < 100_000 else {
                throw ProjectionError(.badSnapshot, "snapshot chain does not go back in the log", path: file)
            }
            let basePath = periodicPath(name, version: version, next: base.next)
            let opened = try open(basePath, name: name, version: version)
            guard opened.link.nonce == base.nonce, opened.point.next == base.next else {
                throw ProjectionError(.badSnapshot, "the snapshot this delta extends was replaced", path: basePath)
            }
            bases.append(.init(storage: opened.storage, bodyStart: opened.bodyStart, bodyEnd: opened.bodyEnd,
                               growth: opened.growth))
            current = opened
        }
        var reader = SnapshotReader(storage: top.storage, count: top.bodyEnd, offset: top.bodyStart)
        reader.beginBody(growth: top.growth, bases: bases)
        return (top.point, reader)
    }

    /// A snapshot file checked (magic, CRC, name, version) and its header read.
    private struct Opened {
        var point: FoldPoint
        var link: SnapshotLink
        var growth: [SnapshotWriter.Growth]
        var storage: SnapshotBytes
        var bodyStart: Int
        var bodyEnd: Int
    }

    private func open(_ file: String, name: String, version: Int) throws(ProjectionError) -> Opened {
        let storage = try FileIO.map(file)
        let bytes = storage.buffer
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else {
            throw ProjectionError(.badSnapshot, "not a snapshot file", path: file)
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
        let computed = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[16..<bytes.count - 4]))
        guard stored == computed else {
            throw ProjectionError(.badSnapshot, "CRC-32C mismatch: the file is torn or damaged", path: file)
        }
        var reader = SnapshotReader(storage: storage, count: bytes.count - 4, offset: 8)
        let headerLength = try reader.int()
        guard try reader.string() == name, try reader.int() == version else {
            throw ProjectionError(.badSnapshot, "snapshot of another projection or version", path: file)
        }
        let point = try Self.readPoint(&reader)
        var link = SnapshotLink(nonce: try reader.uint64())
        let hasBase = try reader.bool()
        let baseNext = try reader.uint64()
        let baseNonce = try reader.uint64()
        if hasBase { link.base = (baseNext, baseNonce) }
        let entries = try reader.int()
        guard entries >= 0, entries <= (bytes.count - reader.offset) / 24 else {
            throw ProjectionError(.badSnapshot, "snapshot growth table is longer than the file", path: file)
        }
        var growth: [SnapshotWriter.Growth] = []
        let bodyLength = bytes.count - 4 - (16 + max(0, min(headerLength, bytes.count)))
        for _ in 0..<entries {
            let entry = SnapshotWriter.Growth(offset: try reader.int(), base: try reader.int(), count: try reader.int())
            guard entry.offset >= 0, entry.offset <= bodyLength, entry.base >= 0, entry.base <= entry.count else {
                throw ProjectionError(.badSnapshot, "snapshot growth table holds an impossible entry", path: file)
            }
            growth.append(entry)
        }
        guard headerLength >= 0, reader.offset - 16 == headerLength else {
            throw ProjectionError(.badSnapshot, "snapshot header is not as long as it says", path: file)
        }
        return Opened(point: point, link: link, growth: growth, storage: storage, bodyStart: reader.offset,
                      bodyEnd: bytes.count - 4)
    }

    /// The periodic snapshot files of a projection, by position.
    public func periodicSnapshots(_ name: String, version: Int) -> [(next: UInt64, path: String)] {
        let prefix = "\(name).v\(version).at-"
        return FileIO.list(path).compactMap { file in
            guard file.hasPrefix(prefix), file.hasSuffix(".snapshot") else { return nil }
            let digits = file.dropFirst(prefix.count).dropLast(".snapshot".count)
            guard let next = UInt64(digits) else { return nil }
            return (next, "\(path)/\(file)")
        }.sorted { $0.next < $1.next }
    }

    /// Removes every snapshot of `name` whose version is not `version`, and, when `periodic`, its periodic ones.
    public func removeStale(_ name: String, keepingVersion version: Int, periodic: Bool) {
        for file in FileIO.list(path) where file.hasPrefix(name + ".v") && file.hasSuffix(".snapshot") {
            let current = file.hasPrefix("\(name).v\(version).")
            if !current || (periodic && file.hasPrefix("\(name).v\(version).at-")) {
                FileIO.remove("\(path)/\(file)")
            }
        }
    }

    private static func write(_ point: FoldPoint, to writer: inout SnapshotWriter) {
        writer.uint64(point.next)
        writer.bool(point.lastRecordedAt != nil)
        writer.int64(point.lastRecordedAt ?? 0)
        writer.uint64(point.horizon)
        writer.int(point.retractions.count)
        for retraction in point.retractions {
            writer.uint64(retraction.position)
            writer.eventID(retraction.target)
        }
        writer.int(point.skipped.count)
        for skipped in point.skipped {
            writer.eventID(skipped.target)
            writer.uint64(skipped.position)
            writer.uint64(skipped.retractionPosition)
        }
    }

    private static func readPoint(_ reader: inout SnapshotReader) throws(ProjectionError) -> FoldPoint {
        let next = try reader.uint64()
        let hasRecordedAt = try reader.bool()
        let recordedAt = try reader.int64()
        let horizon = try reader.uint64()
        var retractions: [FoldPoint.Retraction] = []
        for _ in 0..<max(0, try reader.int()) {
            retractions.append(.init(position: try reader.uint64(), target: try reader.eventID()))
        }
        var skipped: [FoldPoint.Skipped] = []
        for _ in 0..<max(0, try reader.int()) {
            skipped.append(.init(target: try reader.eventID(), position: try reader.uint64(),
                                 retractionPosition: try reader.uint64()))
        }
        return FoldPoint(next: next, lastRecordedAt: hasRecordedAt ? recordedAt : nil, horizon: horizon,
                         retractions: retractions, skipped: skipped)
    }

    private static func makeDirectory(_ path: String) throws(ProjectionError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw ProjectionError(.io, "cannot create the snapshot directory: errno \(errno)", path: path)
        }
    }
}

/// The few POSIX file operations snapshots need.
enum FileIO {
    /// Writes what `produce` emits to a temp file and renames it over `path` (no fsync: see ``SnapshotDirectory``).
    static func writeAtomically(
        _ path: String,
        _ produce: ((UnsafeRawBufferPointer) throws(ProjectionError) -> Void) throws(ProjectionError) -> Void
    ) throws(ProjectionError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ProjectionError(.io, "cannot create: errno \(errno)", path: temp) }
        do throws(ProjectionError) {
            try produce { buffer throws(ProjectionError) in
                var done = 0
                while done < buffer.count {
                    let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ProjectionError(.io, "cannot write: errno \(errno)", path: path)
                    }
                    done += n
                }
            }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let error = errno
            unlink(temp)
            throw ProjectionError(.io, "cannot write: errno \(error)", path: path)
        }
    }

    /// The file's bytes, or its first `limit` bytes.
    static func read(_ path: String, limit: Int?) throws(ProjectionError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ProjectionError(.io, "cannot open: errno \(errno)", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ProjectionError(.io, "cannot stat: errno \(errno)", path: path) }
        return try read(fd, size: min(Int(info.st_size), limit ?? Int.max), path: path)
    }

    /// The first `size` bytes of the open file `fd` (fewer if it is shorter).
    private static func read(_ fd: Int32, size: Int, path: String) throws(ProjectionError) -> [UInt8] {
        var failed: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = pread(fd, buffer.baseAddress! + done, size - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failed = n < 0 ? errno : 0
                    break
                }
                done += n
            }
            initialized = done
        }
        guard failed == 0 else { throw ProjectionError(.io, "cannot read: errno \(failed)", path: path) }
        return bytes
    }

    /// The whole file, mapped read-only and its pages faulted in at once (a snapshot is read from end to end):
    /// no buffer to fill and no copy of the page cache. Small files are read into memory instead. Snapshot files
    /// are replaced by rename, never rewritten or truncated in place (which would make reading a mapping of them
    /// fault), so a mapping stays whole while it is read.
    static func map(_ path: String) throws(ProjectionError) -> SnapshotBytes {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ProjectionError(.io, "cannot open: errno \(errno)", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ProjectionError(.io, "cannot stat: errno \(errno)", path: path) }
        let size = Int(info.st_size)
        if size < 1 << 16 { return SnapshotBytes(try read(fd, size: size, path: path)) }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let base = mmap(nil, size, PROT_READ, flags, fd, 0), base != MAP_FAILED else {
            throw ProjectionError(.io, "cannot map: errno \(errno)", path: path)
        }
        return SnapshotBytes(UnsafeRawBufferPointer(start: base, count: size)) { buffer in
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        }
    }

    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func remove(_ path: String) { unlink(path) }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
