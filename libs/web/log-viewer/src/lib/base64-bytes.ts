/** Log bytes travel as base64 (a log is bytes, not text); the terminal wants them back as bytes. */
type WithFromBase64 = typeof Uint8Array & { fromBase64?: (base64: string) => Uint8Array };

export function base64ToBytes(base64: string): Uint8Array {
  const native = (Uint8Array as WithFromBase64).fromBase64;
  if (native) {
    return native(base64); // several times faster on a multi-megabyte history, where the browser has it
  }
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}
