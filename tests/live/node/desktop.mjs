// A desktop as integration engineers write one: log in to GWS, start the contact-center
// session, handshake with CometD (the official JavaScript client, under Node), subscribe
// to /v2/me/calls, post the reference's SetCallDisposition body, and print the first
// AttachedDataChanged message it receives. Exit 0 when it came, 1 when it did not.
//
//   node desktop.mjs BASE USER PASSWORD
import { adapt } from "cometd-nodejs-client";
import { CometD } from "cometd";

adapt();
const [base, user, password] = process.argv.slice(2);
const fail = (why) => { console.error(why); process.exit(1); };
setTimeout(() => fail("no AttachedDataChanged within 10 s"), 10000);

const auth = "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
const me = await fetch(`${base}/api/v2/me`, { headers: { Authorization: auth } });
if (me.status !== 200) { fail(`login: HTTP ${me.status}`); }
const cookie = me.headers.get("set-cookie").split(";")[0];
const csrf = me.headers.get("x-csrf-token");
const post = (path, body) => fetch(`${base}${path}`, {
  method: "POST", body: JSON.stringify(body),
  headers: { Cookie: cookie, "X-CSRF-TOKEN": csrf, "Content-Type": "application/json" },
});
await post("/api/v2/me", { operationName: "StartContactCenterSession", channels: ["voice"] });
const calls = await (await fetch(`${base}/api/v2/me/calls`, { headers: { Cookie: cookie } })).json();
const call = calls.calls[0];

const cometd = new CometD();
cometd.unregisterTransport("websocket");
cometd.configure({ url: `${base}/api/v2/notifications`, requestHeaders: { Cookie: cookie }, logLevel: "warn" });
cometd.handshake((reply) => {
  if (!reply.successful) { fail(`handshake: ${JSON.stringify(reply)}`); }
  cometd.subscribe("/v2/me/calls", (message) => {
    if (message.data.notificationType === "AttachedDataChanged") {
      console.log(JSON.stringify({ data: message.data, channel: message.channel }));
      cometd.disconnect(() => process.exit(0));
    }
  }, async (subscribed) => {
    if (!subscribed.successful) { fail(`subscribe: ${JSON.stringify(subscribed)}`); }
    const answer = await post(`/api/v2/me/calls/${call.id}`, {
      operationName: "SetCallDisposition", callUuid: call.id, disposition: "Referred", dispositionKey: "DispositionCode",
    });
    const body = await answer.json();
    if (body.statusCode !== 0) { fail(`SetCallDisposition: ${JSON.stringify(body)}`); }
  });
});
