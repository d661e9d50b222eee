// An HTTP client on a raw socket, for what curl and fetch will not send:
// node raw-client.mjs PORT HEADER… sends `GET /some/path` with each
// HEADER line as given (two Authorization headers, say) and prints the
// response's status line and headers.
import net from "node:net";

const [port, ...headers] = process.argv.slice(2);
const socket = net.connect(Number(port), "127.0.0.1");
const lines = ["GET /some/path HTTP/1.1", "Host: 127.0.0.1", "Connection: close", ...headers, "", ""];
socket.end(lines.join("\r\n"));
const chunks = [];
socket.on("data", (chunk) => chunks.push(chunk));
socket.on("end", () => {
  const text = Buffer.concat(chunks).toString("latin1");
  process.stdout.write(`${text.slice(0, text.indexOf("\r\n\r\n")).replaceAll("\r\n", "\n")}\n`);
});
