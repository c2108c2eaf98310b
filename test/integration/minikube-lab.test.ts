/** minikube labs on a real Docker (or Podman) engine; skipped, with the reason, where there is none. */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinikubeProvider } from '../../sandbox/index.js';
import { providerSuite } from '../helpers/provider-suite.js';

await providerSuite(new MinikubeProvider({ workDir: join(tmpdir(), `kubelab-minikube-${randomBytes(4).toString('hex')}`) }));
