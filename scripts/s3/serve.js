// Starts the pinned @20minutes/s3rver with its own command line (its npm tarball ships no bin/ file).
// usage: node serve.js -d DIR -a 127.0.0.1 -p PORT [--configure-bucket NAME] ...  (see scripts/s3-local)
'use strict';
require('@20minutes/s3rver/lib/cli.js').parseAsync(process.argv);
