// An independent tus server (@tus/server with @tus/file-store) on a loopback
// port, for the core's tus client to upload to in the interop tests.
//
//     node interop/tus/tus-server.cjs <upload dir> <port, 0 for any>
//
// Prints `listening <port>` once it accepts connections; uploads are
// served at /files/ and stored in <upload dir> (the file named by the
// upload id holds the bytes). It needs no authentication. The packages come
// from "$BST_TUS_INTEROP_DIR/node_modules" (scripts/toolchain/tus-interop.sh).
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');

function fail(message) {
  process.stderr.write(`tus-server.cjs: ${message}\n`);
  process.exit(2);
}

async function main() {
  const [dir, portArg] = process.argv.slice(2);
  if (!dir || portArg === undefined) fail('usage: tus-server.cjs <upload dir> <port>');
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port ${portArg}`);
  const interop = process.env.BST_TUS_INTEROP_DIR;
  if (!interop) fail('BST_TUS_INTEROP_DIR is not set (run scripts/toolchain/tus-interop.sh)');
  // Both packages are ES modules: import them by file URL (NODE_PATH does
  // not apply to ESM).
  const load = (name) =>
    import(pathToFileURL(path.join(interop, 'node_modules', ...name.split('/'), 'dist', 'index.js')).href);
  const { Server } = await load('@tus/server');
  const { FileStore } = await load('@tus/file-store');

  const server = new Server({
    path: '/files',
    datastore: new FileStore({ directory: dir }),
  });
  const http = server.listen({ host: '127.0.0.1', port }, () => {
    process.stdout.write(`listening ${http.address().port}\n`);
  });
  http.on('error', (e) => fail(e.message));
  // Ends with the test that started it.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((e) => fail(e.stack || String(e)));
