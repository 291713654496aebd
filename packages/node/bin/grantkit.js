#!/usr/bin/env node
// The `grantkit` bin. It lives outside dist/ so that package managers can link it before the package is built (in
// this workspace, examples depend on @grantkit/node before its first build).
import '../dist/cli.js';
