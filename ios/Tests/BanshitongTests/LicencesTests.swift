import Banshitong
import Foundation
import XCTest

/// Licences need a verified user, not a catalog: a small one starts fast.
private let guides: UInt32 = 50

/// Signed in as `phone`, real-name verified (licences are issued then), licences synced.
private func verifiedHolder(
    _ platform: ReferencePlatform, _ phone: String
) async throws -> (BstClient, BstLicences) {
    let client = try newClient(platform.baseUrl())
    try await signIn(platform, client, phone)
    _ = try await client.auth().verifyIdentity(
        verification: .bankCard(
            name: "张三丰", idNumber: "11010519491231002X", cardNumber: "6222021234567894",
            reservedPhone: phone))
    let licences = try await client.licences()
    let synced = try await licences.sync()
    XCTAssertEqual(synced.count, 3, "ID card, household register, social security card")
    return (client, licences)
}

private func ofType(_ licences: [Licence], _ type: String) throws -> Licence {
    try XCTUnwrap(licences.first { $0.licenceType == type }, "no \(type)")
}

final class LicencesTests: XCTestCase {
    func testAnOfflineCodeIsDrawnVerifiedAndRefusedWhenReplayed() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, licences) = try await verifiedHolder(platform, "13900009101")
            let idCard = try ofType(try await licences.list(), "居民身份证")
            XCTAssertEqual(idCard.status, .valid)

            let code = try await licences.present(id: idCard.id, mode: .offline, disclosure: .masked)
            XCTAssertTrue(code.qrText.hasPrefix("BST1:"), code.qrText)
            XCTAssertTrue((1...30).contains(code.secondsLeft(nowMs: code.issuedAtMs)))

            let matrix = try qrMatrix(qrText: code.qrText)
            XCTAssertEqual(Int(matrix.size) * Int(matrix.size), matrix.dark.count)
            XCTAssertTrue((1...40).contains(matrix.version))
            let png = try qrPng(qrText: code.qrText, scale: 4)
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            XCTAssertTrue(try qrSvg(qrText: code.qrText).hasPrefix("<svg"))

            // A verifier on another phone, not signed in.
            let verifier = try newClient(platform.baseUrl()).verifier()
            let verdict = try await verifier.verify(qrText: code.qrText)
            XCTAssertEqual(verdict.outcome, .valid, "\(verdict.reasons)")
            XCTAssertEqual(verdict.licenceType, "居民身份证")
            let names = verdict.disclosed.map(\.name)
            XCTAssertTrue(names.contains("name_masked") && !names.contains("name"), "\(names)")

            let again = try await verifier.verify(qrText: code.qrText)
            XCTAssertEqual(again.outcome, .invalid)
            XCTAssertTrue(again.reasons.contains { $0.kind == .replayed }, "\(again.reasons)")
        }
    }

    func testAnOnlineTokenVerifiesAtThePlatform() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, licences) = try await verifiedHolder(platform, "13900009102")
            let card = try ofType(try await licences.list(), "社会保障卡")
            let token = try await licences.present(id: card.id, mode: .online, disclosure: .full)
            XCTAssertTrue(token.qrText.hasPrefix("BST0:"), token.qrText)
            let offline = try await licences.present(id: card.id, mode: .offline, disclosure: .full)
            XCTAssertLessThan(
                try qrMatrix(qrText: token.qrText).version, try qrMatrix(qrText: offline.qrText).version,
                "a token makes the smaller code")

            let verdict = try await newClient(platform.baseUrl()).verifier().verify(qrText: token.qrText)
            XCTAssertEqual(verdict.outcome, .valid, "\(verdict.reasons)")
        }
    }

    func testTamperedAndGarbageCodesAreATypedRefusalNotAnError() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, licences) = try await verifiedHolder(platform, "13900009103")
            let card = try ofType(try await licences.list(), "户口簿")
            let text = try await licences.present(id: card.id, mode: .offline, disclosure: .full).qrText
            var chars = Array(text)
            let at = chars.count / 2
            chars[at] = chars[at] == "A" ? "B" : "A"

            let verifier = try newClient(platform.baseUrl()).verifier()
            let tampered = try await verifier.verify(qrText: String(chars))
            XCTAssertEqual(tampered.outcome, .invalid)
            XCTAssertFalse(tampered.reasons.isEmpty)

            for garbage in ["hello", "BST1:", String(text.prefix(text.count / 2))] {
                let verdict = try await verifier.verify(qrText: garbage)
                XCTAssertEqual(verdict.outcome, .invalid, garbage)
                XCTAssertEqual(verdict.reasons.first?.kind, .malformed, "\(verdict.reasons)")
            }
            let notQr = await expectFailure { try qrMatrix(qrText: "lower case is not QR alphanumeric") }
            XCTAssertEqual(notQr?.kind, .invalidInput)
        }
    }

    func testTheStreamReplacesCodesBeforeTheyExpireAndARevokedLicenceIsRefused() async throws {
        try await withPlatform(guides: guides) { platform in
            let (client, licences) = try await verifiedHolder(platform, "13900009104")
            let idCard = try ofType(try await licences.list(), "居民身份证")
            let shortLived = licences.withOfflineLifetime(lifetimeMs: 2_000, refreshBeforeMs: 1_000)
            let updates = shortLived.presentationUpdates(id: idCard.id, mode: .offline, disclosure: .full)
            let task = Task<[Presentation], Never> {
                var codes: [Presentation] = []
                do {
                    for try await code in updates {
                        codes.append(code)
                        if codes.count == 2 { break }
                    }
                } catch {}
                return codes
            }
            let received = await value(of: task, within: 15)
            let codes = try XCTUnwrap(received, "the stream gave no codes in time")
            XCTAssertEqual(codes.count, 2)
            XCTAssertNotEqual(codes[0].qrText, codes[1].qrText)
            XCTAssertLessThan(codes[1].issuedAtMs, codes[0].expiresAtMs, "the next code comes before the first expires")

            let before = try await licences.present(id: idCard.id, mode: .offline, disclosure: .full).qrText
            try await platform.revokeLicence(licenceId: idCard.id)
            let verdict = try await newClient(platform.baseUrl()).verifier().verify(qrText: before)
            XCTAssertEqual(verdict.outcome, .invalid)
            XCTAssertTrue(verdict.reasons.contains { $0.kind == .revoked }, "\(verdict.reasons)")

            let synced = try ofType(try await client.licences().sync(), "居民身份证")
            XCTAssertEqual(synced.status, .revoked)
            let refused = await expectFailure {
                try await licences.present(id: idCard.id, mode: .offline, disclosure: .full)
            }
            XCTAssertEqual(refused?.kind, .invalidInput)
        }
    }

    func testAnOnlineStreamWithNoNetworkThrowsTheTypedErrorAndOfflineStillWorks() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, licences) = try await verifiedHolder(platform, "13900009105")
            let card = try ofType(try await licences.list(), "社会保障卡")
            try await platform.stop()

            let online = licences.presentationUpdates(id: card.id, mode: .online, disclosure: .full)
            let failure = Task<BstError?, Never> {
                do {
                    for try await _ in online { return nil }
                } catch let error as BstError {
                    return error
                } catch {}
                return nil
            }
            let thrown = await value(of: failure, within: 15) ?? nil
            XCTAssertEqual(thrown?.kind, .offline, "the stream throws why: \(String(describing: thrown))")

            let offline = licences.presentationUpdates(id: card.id, mode: .offline, disclosure: .full)
            let first = Task<Presentation?, Never> {
                do {
                    for try await code in offline { return code }
                } catch {}
                return nil
            }
            let code = await value(of: first, within: 15) ?? nil
            XCTAssertTrue(code?.qrText.hasPrefix("BST1:") ?? false, "offline codes need no network")
        }
    }
}
