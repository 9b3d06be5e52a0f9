import Banshitong
import Foundation
import XCTest

/// A value behind a lock, for state the core touches from its own threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A keystore written in Swift, as the app's keychain store is: the core
/// calls it from its own threads, hence the lock.
final class SwiftSecretStore: SecretStore {
    private let secrets = Locked<[String: Data]>([:])
    private let callCount = Locked(0)

    /// What the core has stored, by name.
    var stored: [String: Data] { secrets.withValue { $0 } }
    var calls: Int { callCount.withValue { $0 } }

    func get(name: String) throws -> Data? {
        callCount.withValue { $0 += 1 }
        return secrets.withValue { $0[name] }
    }

    func set(name: String, secret: Data) throws {
        callCount.withValue { $0 += 1 }
        secrets.withValue { $0[name] = secret }
    }

    func delete(name: String) throws {
        callCount.withValue { $0 += 1 }
        secrets.withValue { $0[name] = nil }
    }

    func describe() -> String { "Swift test store (in memory)" }
}

/// A keystore whose every call throws, as a locked or broken keychain might.
final class ThrowingSecretStore: SecretStore {
    struct KeystoreUnavailable: Error, CustomStringConvertible {
        var description: String { "keystore unavailable" }
    }

    func get(name: String) throws -> Data? { throw KeystoreUnavailable() }
    func set(name: String, secret: Data) throws { throw KeystoreUnavailable() }
    func delete(name: String) throws { throw KeystoreUnavailable() }
    func describe() -> String { "always throws" }
}

/// Keeps the log records the core sends.
final class RecordingLogger: Logger {
    private let kept = Locked<[LogRecord]>([])

    var records: [LogRecord] { kept.withValue { $0 } }

    func log(record: LogRecord) throws {
        kept.withValue { $0.append(record) }
    }
}

/// Counts the values a listener got, from whichever thread the core calls it.
final class Recorder<Value: Sendable>: Sendable {
    private let kept = Locked<[Value]>([])

    var values: [Value] { kept.withValue { $0 } }

    func record(_ value: Value) {
        kept.withValue { $0.append(value) }
    }

    /// Waits until at least `count` values arrived; fails the test after `seconds`.
    func waitFor(
        _ count: Int, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while values.count < count {
            guard Date() < deadline else {
                XCTFail("waited \(seconds) s for \(count) values, got \(values)", file: file, line: line)
                throw CancellationError()
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}

/// A listener that records each state, then optionally throws.
final class RecordingConnectivityListener: ConnectivityListener {
    let recorder = Recorder<Connectivity>()
    private let throwing: Bool

    init(throwing: Bool = false) {
        self.throwing = throwing
    }

    func onChange(state: Connectivity) throws {
        recorder.record(state)
        if throwing { throw ThrowingSecretStore.KeystoreUnavailable() }
    }
}

func temporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("bst-swift-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

func newClient(
    _ baseUrl: String, store: SecretStore = SwiftSecretStore(), dataDir: String? = nil,
    configure: (inout ClientConfig) -> Void = { _ in }
) throws -> BstClient {
    var config = defaultClientConfig(apiBaseUrl: baseUrl, dataDir: try dataDir ?? temporaryDirectory())
    // Fast retries: tests should not wait for production back-off.
    config.retry.maxAttempts = 2
    config.retry.baseDelay = 0.02
    configure(&config)
    return try BstClient(config: config, secretStore: store, logger: nil)
}

/// Runs `body` with a fresh reference platform (`guides` in its catalog, or
/// the default 3,000), stopped afterwards.
func withPlatform<T>(
    guides: UInt32? = nil, _ body: (ReferencePlatform) async throws -> T
) async throws -> T {
    let platform: ReferencePlatform
    if let guides {
        platform = try await ReferencePlatform.startWithGuides(guides: guides)
    } else {
        platform = try await ReferencePlatform.start()
    }
    do {
        let result = try await body(platform)
        try await platform.stop()
        return result
    } catch {
        try? await platform.stop()
        throw error
    }
}

/// Signs `client` in as `phone` by SMS, with the code from the platform's
/// dev outbox (registers a new number).
@discardableResult
func signIn(_ platform: ReferencePlatform, _ client: BstClient, _ phone: String) async throws -> Profile {
    _ = try await client.auth().sendSmsCode(phone: phone)
    let code = try await platform.smsCode(phone: phone)
    return try await client.auth().signInWithSms(phone: phone, code: code)
}

/// The BstError that `body` throws; fails the test if it throws none or another.
func expectFailure<T>(
    file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> T
) async -> BstError? {
    do {
        let value = try await body()
        XCTFail("expected a BstError, got \(value)", file: file, line: line)
    } catch let error as BstError {
        return error
    } catch {
        XCTFail("expected a BstError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Records each call the core makes, then passes the state on.
final class CountingListener: ConnectivityListener {
    let calls: Recorder<Connectivity>
    private let deliver: @Sendable (Connectivity) -> Void

    init(_ calls: Recorder<Connectivity>, _ deliver: @escaping @Sendable (Connectivity) -> Void) {
        self.calls = calls
        self.deliver = deliver
    }

    func onChange(state: Connectivity) throws {
        calls.record(state)
        deliver(state)
    }
}

/// The task's value, or nil (and the task cancelled) if it takes longer than `seconds`.
func value<T: Sendable>(of task: Task<T, Never>, within seconds: Double) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await task.value }
        group.addTask {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            task.cancel()
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Lets the core's threads run, long enough for a delivery that should not come.
func settle() async throws {
    try await Task.sleep(nanoseconds: 300_000_000)
}

/// A path named `name` in a fresh temporary folder.
func temporaryFile(_ name: String) throws -> String {
    try temporaryDirectory() + "/" + name
}

/// A sample PDF of `size` bytes; another `seed` makes another file (another sha256).
func samplePdf(_ size: UInt64, seed: UInt64, name: String? = nil) throws -> String {
    let path = try temporaryFile(name ?? "scan-\(seed).pdf")
    try testingWriteSamplePdf(path: path, sizeBytes: size, seed: seed)
    return path
}

/// The sideways phone photo with GPS in its EXIF, as a file.
func samplePhoto(_ name: String = "IMG_0001.jpg") throws -> String {
    let path = try temporaryFile(name)
    _ = try testingWriteSamplePhoto(path: path)
    return path
}

/// How long a change may take to reach the device, against a platform on this machine.
let arrivalSeconds = 20.0

/// The code of the first guide the catalog finds for `query`.
func firstGuide(_ client: BstClient, _ query: String) async throws -> String {
    let filters = GuideFilters(regionCode: nil, departmentCode: nil, theme: nil, audience: nil, minOnlineDepth: nil)
    let request = SearchRequest(query: query, filters: filters, preferRegionCode: nil, pageToken: nil, limit: 0)
    let hits = try await client.catalog().search(request: request).hits
    return try XCTUnwrap(hits.first, "no guide for \(query)").code
}

/// JSON text for a value: answers cross the FFI as JSON.
func json(_ value: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}

/// The field an error path names: `name`, `spouse[0].name`.
private func spec(_ fields: [FieldSpec], _ path: String) -> FieldSpec? {
    let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
    let key = String(parts[0].prefix { $0 != "[" })
    guard let field = fields.first(where: { $0.key == key }) else { return nil }
    if parts.count == 1 { return field }
    if case let .group(inner, _, _) = field.kind { return spec(inner, parts[1]) }
    return nil
}

/// A valid answer (JSON text) for a field of this kind.
private func valid(_ kind: FieldKind) -> String {
    switch kind {
    case .text: json("测试内容")
    case .number: json(1)
    case .date: json("2020-01-01")
    case let .singleChoice(options): json(options[0].value)
    case let .multipleChoice(options): json([options[0].value])
    case .region: json("530102")
    case .idNumber: json("11010519491231002X")
    case .creditCode: json("91350100M000100Y43")
    case .mobile: json("13800000000")
    case .address: json("昆明市五华区人民路1号")
    case .group: json([[String: String]()])
    }
}

/// Answers whatever validation asks for, by the schema, until the draft is
/// valid (as core/tests/drafts.rs does). A field gets a valid answer for its
/// kind; a missing material goes to `fillSlot` with the slot's key, since
/// how a slot is filled (a new upload, a scan already uploaded) is each
/// test's.
func fillUntilValid(
    _ drafts: BstDrafts, _ id: String, file: StaticString = #filePath, line: UInt = #line,
    fillSlot: (String) async throws -> Void
) async throws {
    let schema = try await drafts.schema(id: id)
    for _ in 0..<40 {
        guard let error = try await drafts.validate(id: id).first else { return }
        if error.path.hasPrefix("materials.") {
            try await fillSlot(String(error.path.dropFirst("materials.".count)))
        } else {
            let field = try XCTUnwrap(spec(schema.fields, error.path), "no field for \(error.path)")
            _ = try await drafts.setField(id: id, path: error.path, valueJson: valid(field.kind))
        }
    }
    let left = try await drafts.validate(id: id)
    XCTFail("still invalid: \(left)", file: file, line: line)
    throw CancellationError()
}

/// Waits until `condition` holds, checking every 10 ms; fails the test (and
/// throws) after `seconds`.
func eventually(
    within seconds: Double = arrivalSeconds, file: StaticString = #filePath, line: UInt = #line,
    _ condition: () -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else {
            XCTFail("still not so after \(seconds) s", file: file, line: line)
            throw CancellationError()
        }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}

/// The first element of `stream` that satisfies `predicate`; fails the test
/// (and throws) if none comes within `seconds`.
func first<Element: Sendable>(
    _ stream: AsyncStream<Element>, within seconds: Double = arrivalSeconds,
    file: StaticString = #filePath, line: UInt = #line,
    where predicate: @escaping @Sendable (Element) -> Bool
) async throws -> Element {
    let task = Task<Element?, Never> {
        for await element in stream where predicate(element) { return element }
        return nil
    }
    let found: Element?? = await value(of: task, within: seconds)
    guard let found = found ?? nil else {
        XCTFail("nothing matching came within \(seconds) s", file: file, line: line)
        throw CancellationError()
    }
    return found
}
