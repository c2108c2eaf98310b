/**
 * The host folder of one lab for providers whose cluster lives elsewhere (kind, minikube, existing):
 * <root>/<lab>/ holds the kubeconfigs and lab.json (the Lab that open() returns). Mode 0700: the
 * files hold credentials.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError, type Lab, type ProviderKind } from './provider.js';

export class LabFolders {
  constructor(readonly root: string, private readonly provider: ProviderKind) {}

  dir(name: string): string {
    return join(this.root, name);
  }

  make(name: string): string {
    const dir = this.dir(name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  save(lab: Lab): void {
    writeFileSync(join(this.dir(lab.name), 'lab.json'), JSON.stringify(lab, null, 2), { mode: 0o600 });
  }

  load(name: string): Lab {
    const file = join(this.dir(name), 'lab.json');
    if (!existsSync(file)) throw new SandboxError(`no ${this.provider} lab named ${name} on this server`, 'See `kubelab lab list` for the labs there are.');
    return JSON.parse(readFileSync(file, 'utf8')) as Lab;
  }

  remove(name: string): void {
    rmSync(this.dir(name), { recursive: true, force: true });
  }
}

/** Writes a CA (PEM cert and key) into a private folder for signing, and returns a function that removes it. */
export function tempPki(dir: string, ca: { crt: string; key: string }): { pkiDir: string; dispose(): void } {
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(pkiDir, 'ca.crt'), ca.crt, { mode: 0o600 });
  writeFileSync(join(pkiDir, 'ca.key'), ca.key, { mode: 0o600 });
  return { pkiDir, dispose: () => rmSync(pkiDir, { recursive: true, force: true }) };
}
