/** Where a registry login is kept, in words: for a login's row, and for the dialog before a login is made. */
import type { LoginStore } from '../../electron/shared/models';

/** A login's row: "kept by docker-credential-pass", "unencrypted in config.json", "in Berth's own file". */
export function keptWhere(store: LoginStore): string {
  if (store.kind === 'helper') return `kept by ${store.helper}`;
  if (store.kind === 'config') return `unencrypted in ${baseName(store.file)}`;
  return "in Berth's own file, from before";
}

/** Said before a login is made; `warning` when the password would be stored unencrypted (the docker CLI's own warning). */
export function newLoginWords(store: LoginStore): { text: string; warning: boolean } {
  if (store.kind === 'helper' && store.picked) {
    return {
      text: `Logins are checked with the registry, then kept by ${store.helper}, the docker CLI's own pick: ${store.file} names no store, so Berth names it there as \`docker login\` does. Shared with the docker CLI.`,
      warning: false,
    };
  }
  if (store.kind === 'helper') return { text: `Logins are checked with the registry, then kept by ${store.helper} (named in ${store.file}) and shared with the docker CLI.`, warning: false };
  return {
    text: `Your password will be stored unencrypted in ${store.file}, as \`docker login\` stores it without a credential helper, and shared with the docker CLI. Configure a credential helper (credsStore) there to keep it encrypted.`,
    warning: true,
  };
}

const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;
