// The sample app the k8s-kind workflow deploys: answers like the emulator's simulated pods
// (JSON with its version), `/smoke` fails when built with SMOKE_FAIL=1.
import http from 'node:http';

const version = process.env.APP_VERSION ?? 'unknown';
const smokeFail = process.env.SMOKE_FAIL === '1';
http
  .createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const code = path === '/smoke' && smokeFail ? 500 : 200;
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        version,
        pod: process.env.HOSTNAME,
        status: code === 200 ? 'ok' : 'self-test failed',
      }),
    );
  })
  .listen(8080);
