// Adding a photo from the user's library (a PHAsset from PHPickerViewController
// with a photo library, or PhotosUI) as a material. Apple platforms only;
// the temporary-file handling around it is MaterialFiles.swift.
#if canImport(Photos) && canImport(ImageIO) && canImport(UniformTypeIdentifiers)
import Foundation
import ImageIO
import Photos
import UniformTypeIdentifiers

extension BstMaterials {
    /// Exports `asset` as it looks in Photos (the user's crop and rotation
    /// applied; downloaded from iCloud if needed) and adds it. HEIC, the
    /// camera's default, is converted to JPEG, since the platform takes
    /// JPEG, PNG and PDF; the metadata is carried over so the core can turn
    /// the photo upright by its orientation before it strips every tag
    /// (EXIF with GPS, XMP) from what is sent.
    public func addPhoto(
        _ asset: PHAsset,
        draftId: String? = nil,
        slotKey: String? = nil,
        maxSidePx: UInt32? = nil,
        jpegQuality: UInt8? = nil
    ) async throws -> UploadItem {
        let original = PHAssetResource.assetResources(for: asset).first?.originalFilename ?? "photo"
        let name = (original as NSString).deletingPathExtension + ".jpg"
        return try await addExported(
            fileName: name, draftId: draftId, slotKey: slotKey, maxSidePx: maxSidePx,
            jpegQuality: jpegQuality
        ) { file in
            try await writePhoto(asset, to: file)
        }
    }
}

private func writePhoto(_ asset: PHAsset, to file: URL) async throws {
    let data = try await imageData(asset)
    guard let source = CGImageSourceCreateWithData(data as CFData, nil),
        let type = CGImageSourceGetType(source).flatMap({ UTType($0 as String) })
    else {
        throw unreadable("Photos gave image data that ImageIO cannot read")
    }
    if type.conforms(to: .jpeg) || type.conforms(to: .png) {
        try write(data, to: file)
        return
    }
    guard
        let destination = CGImageDestinationCreateWithURL(
            file as CFURL, UTType.jpeg.identifier as CFString, 1, nil)
    else {
        throw storageFailure("cannot create a JPEG file for the photo")
    }
    // High quality: the core re-encodes at the slot's quality after scaling.
    let options = [kCGImageDestinationLossyCompressionQuality: 0.95] as CFDictionary
    CGImageDestinationAddImageFromSource(destination, source, 0, options)
    guard CGImageDestinationFinalize(destination) else {
        throw unreadable("the photo could not be converted to JPEG")
    }
}

private func imageData(_ asset: PHAsset) async throws -> Data {
    let options = PHImageRequestOptions()
    options.version = .current
    options.deliveryMode = .highQualityFormat
    options.isNetworkAccessAllowed = true
    return try await withCheckedThrowingContinuation { continuation in
        // With .highQualityFormat the handler is called once.
        PHImageManager.default().requestImageDataAndOrientation(for: asset, options: options) {
            data, _, _, info in
            if let data {
                continuation.resume(returning: data)
            } else if (info?[PHImageCancelledKey] as? Bool) == true {
                continuation.resume(throwing: CancellationError())
            } else {
                let why = (info?[PHImageErrorKey] as? Error).map { "\($0.localizedDescription)" }
                continuation.resume(
                    throwing: unreadable("Photos could not give the photo (\(why ?? "no reason given"))"))
            }
        }
    }
}

private func write(_ data: Data, to file: URL) throws {
    do {
        try data.write(to: file)
    } catch {
        throw storageFailure("cannot write the photo to a temporary file: \(error.localizedDescription)")
    }
}

private func unreadable(_ reason: String) -> BstError {
    .Failure(
        kind: .badMaterial, reason: reason, field: nil, retryAfterMs: nil, status: nil,
        requiredTier: nil, materialProblem: .unreadable)
}
#endif
