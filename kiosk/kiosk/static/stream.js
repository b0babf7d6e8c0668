// The page's link to its kiosk server, and the notice over the screen while that link is lost.
// The server sends an update on every change and a ping every few seconds. A server that stopped
// fails the stream; one that froze may hold it open and say nothing. So the page shows the notice
// when its stream failed and did not come back within two seconds, or when it heard nothing for
// three pings, keeps reconnecting (the browser's own retry never notices silence, and gives up on a
// server that answers with an error), and hides the notice as soon as the server speaks again.
window.kioskStream = (onUpdate) => {
  const notice = document.getElementById("lost");
  const heartbeat = 1000 * Number(document.body.dataset.heartbeat || 2);
  let source = null;
  let heard = Date.now();
  let opened = 0;
  let failedAt = null;

  const alive = () => { heard = Date.now(); failedAt = null; notice.hidden = true; };
  const connect = () => {
    if (source) source.close();
    opened = Date.now();
    source = new EventSource("/events");
    source.addEventListener("update", (e) => { alive(); onUpdate(JSON.parse(e.data)); });
    source.addEventListener("ping", alive);
    source.addEventListener("error", () => { if (failedAt === null) failedAt = Date.now(); });
  };

  setInterval(() => {
    const now = Date.now();
    const silent = now - heard > 3 * heartbeat;
    if (silent || (failedAt !== null && now - failedAt > 2000)) notice.hidden = false;
    if ((silent && now - opened > 3 * heartbeat) || source.readyState === EventSource.CLOSED) connect();
  }, 500);
  connect();
};
