// Removes dist/ before a build so renamed or deleted sources never linger in the package.
const { rmSync } = require('node:fs');
const { join } = require('node:path');

rmSync(join(__dirname, '..', 'dist'), { recursive: true, force: true });
