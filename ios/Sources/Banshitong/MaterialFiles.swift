// Adding a material from a file the app does not keep: a photo exported from
// the library (PhotoLibraryMaterials.swift), a document picked or shared
// from another app. The core reads files by path and keeps its own prepared
// copy once `add` returns, so these write a temporary file, add it, and
// remove it whatever the outcome. No Photos or UIKit here: it runs (and is
// tested) on Linux too.
import Foundation

extension BstMaterials {
    /// Adds a material written by `export` into a fresh temporary folder:
    /// `export` gets the file URL to write (named `fileName`), the copy is
    /// added under `displayName` (default `fileName`), then the folder is
    /// removed. An error thrown by `export` reaches the caller as is.
    public func addExported(
        fileName: String,
        displayName: String? = nil,
        draftId: String? = nil,
        slotKey: String? = nil,
        maxSidePx: UInt32? = nil,
        jpegQuality: UInt8? = nil,
        export: (URL) async throws -> Void
    ) async throws -> UploadItem {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(safeFileName(fileName), isDirectory: false)
        try await export(file)
        let request = AddMaterial(
            path: file.path, displayName: displayName ?? fileName, draftId: draftId,
            slotKey: slotKey, maxSidePx: maxSidePx, jpegQuality: jpegQuality)
        return try await add(request: request)
    }

    /// Adds a copy of the file at `url` — one the app may lose access to, such
    /// as a document picker's or a share extension's — under its own name
    /// unless `displayName` says otherwise. A file that can't be read is
    /// `.badMaterial` with `.unreadable`.
    public func addCopy(
        of url: URL,
        displayName: String? = nil,
        draftId: String? = nil,
        slotKey: String? = nil,
        maxSidePx: UInt32? = nil,
        jpegQuality: UInt8? = nil
    ) async throws -> UploadItem {
        try await addExported(
            fileName: url.lastPathComponent, displayName: displayName, draftId: draftId,
            slotKey: slotKey, maxSidePx: maxSidePx, jpegQuality: jpegQuality
        ) { copy in
            try copyFile(url, to: copy)
        }
    }
}

/// Reading the source and writing the copy fail differently: the first is
/// the file's problem (`.badMaterial`), the second the device's (`.storage`).
private func copyFile(_ source: URL, to destination: URL) throws {
    #if canImport(Darwin)
    // A document picker's URL is readable only inside this scope.
    let scoped = source.startAccessingSecurityScopedResource()
    defer { if scoped { source.stopAccessingSecurityScopedResource() } }
    #endif
    let data: Data
    do {
        data = try Data(contentsOf: source)
    } catch {
        // The path stays out of the message: it can name the user's files.
        throw BstError.Failure(
            kind: .badMaterial, reason: "the chosen file could not be read",
            field: nil, retryAfterMs: nil, status: nil, requiredTier: nil,
            materialProblem: .unreadable)
    }
    do {
        try data.write(to: destination)
    } catch {
        throw storageFailure("cannot write a temporary copy: \(error.localizedDescription)")
    }
}

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("banshitong-material-\(UUID().uuidString)", isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw storageFailure("cannot create a temporary folder: \(error.localizedDescription)")
    }
    return folder
}

/// The name as a single path component: never `..`, never a slash.
func safeFileName(_ name: String) -> String {
    let cleaned = name.replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "\\", with: "_")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    if cleaned.isEmpty || cleaned == "." || cleaned == ".." { return "material" }
    return cleaned
}

func storageFailure(_ reason: String) -> BstError {
    .Failure(
        kind: .storage, reason: reason, field: nil, retryAfterMs: nil, status: nil,
        requiredTier: nil, materialProblem: nil)
}
