// Uploads a file to the reference server with tus-js-client, an independent
// tus client, in two sessions: the first stops after its first chunk (as a
// killed app would), the second resumes from the upload URL the first got
// (HEAD, then PATCHes from the server's offset, sent as POST with
// X-HTTP-Method-Override).
//
//     BST_TUS_TOKEN=<access token> \
//       node interop/tus/upload-with-tus-js-client.cjs <endpoint> <file> <mime type> <chunk bytes>
//
// Prints one JSON line: {"upload_url", "first_offset", "resumed_from",
// "resumed_requests" (["HEAD 200", "PATCH 204", ...]), "material_id",
// "sha256"}. Exits non-zero, with the reason on stderr, on
// any failure. tus-js-client comes from "$BST_TUS_INTEROP_DIR/node_modules"
// (scripts/toolchain/tus-interop.sh).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

function fail(message) {
  process.stderr.write(`upload-with-tus-js-client.cjs: ${message}\n`);
  process.exit(2);
}

const interop = process.env.BST_TUS_INTEROP_DIR;
if (!interop) fail('BST_TUS_INTEROP_DIR is not set (run scripts/toolchain/tus-interop.sh)');
const tus = require(path.join(interop, 'node_modules', 'tus-js-client'));

function options(common, extra) {
  return { ...common, ...extra };
}

// One session of the upload; resolves with what happened to it.
function session(common, extra) {
  return new Promise((resolve, reject) => {
    let upload;
    const settings = options(common, {
      ...extra,
      onError: reject,
      onSuccess: (payload) => resolve({ upload, done: true, payload }),
      onChunkComplete: (chunk, accepted, total) => {
        if (extra.stopAfterFirstChunk && accepted < total) {
          // Like an app killed mid-upload: no termination, the bytes stay.
          upload.abort(false).then(() => resolve({ upload, done: false, accepted }), reject);
        }
      },
    });
    delete settings.stopAfterFirstChunk;
    upload = new tus.Upload(common.file, settings);
    upload.start();
  });
}

async function main() {
  const [endpoint, file, mime, chunkArg] = process.argv.slice(2);
  if (!endpoint || !file || !mime || !chunkArg) {
    fail('usage: upload-with-tus-js-client.cjs <endpoint> <file> <mime type> <chunk bytes>');
  }
  const token = process.env.BST_TUS_TOKEN;
  if (!token) fail('BST_TUS_TOKEN is not set');
  const bytes = fs.readFileSync(file);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const common = {
    file: bytes,
    endpoint,
    chunkSize: Number(chunkArg),
    retryDelays: null,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { filename: path.basename(file), filetype: mime, sha256 },
    // Resuming is shown explicitly with uploadUrl, not through a URL store.
    storeFingerprintForResuming: false,
    removeFingerprintOnSuccess: false,
  };

  const first = await session(common, { stopAfterFirstChunk: true });
  if (first.done) fail('the file fit in one chunk; nothing left to resume');
  const uploadUrl = first.upload.url;
  // What the resuming session asked: HEAD for the offset, then the chunks.
  const requests = [];
  let resumedFrom = null;
  const second = await session(common, {
    uploadUrl,
    overridePatchMethod: true,
    onAfterResponse: (req, res) => {
      const method = req.getHeader('X-HTTP-Method-Override') || req.getMethod();
      requests.push(`${method} ${res.getStatus()}`);
      if (req.getMethod() === 'HEAD') resumedFrom = Number(res.getHeader('Upload-Offset'));
    },
  });
  const response = second.payload.lastResponse;
  const result = {
    upload_url: uploadUrl,
    first_offset: first.accepted,
    resumed_from: resumedFrom,
    resumed_requests: requests,
    material_id: response.getHeader('Material-Id') || null,
    sha256,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => fail(e.stack || String(e)));
