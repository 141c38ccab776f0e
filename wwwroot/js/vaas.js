// Small helpers the Blazor pages call, and what keeps an open page (a wall screen) alive across server restarts.
window.vaas = {
  // Moves a <video> to a time and plays from there. Resolves to false when the browser refused to start playing
  // by itself (autoplay policy), so the page can say "press play".
  async seek(video, seconds) {
    if (!video) return false;
    video.currentTime = seconds;
    try {
      await video.play();
      return true;
    } catch {
      return false;
    }
  },

  // Plays a <video> once it can, from where its #t= fragment put it; false when autoplay was refused.
  async autoplay(video) {
    if (!video) return false;
    try {
      await video.play();
      return true;
    } catch {
      return false;
    }
  },

  // "Try again" on the banner, and what the page does by itself once the server answers again.
  async reconnect() {
    let ok = false;
    try {
      ok = await Blazor.reconnect();
    } catch {
      return false; // not reachable yet
    }
    if (ok) {
      reconnectedByHand = true;
      clearReconnectBanner();
      return true;
    }
    // The server is up but no longer knows this page's circuit (it restarted, or the circuit expired).
    try {
      if (await Blazor.resumeCircuit()) {
        reconnectedByHand = true;
        clearReconnectBanner();
        return true;
      }
    } catch {
      // fall through: start afresh
    }
    location.reload();
    return false;
  },
};

// The chapter playing is marked in the video page's list (aria-current), by the player's own clock: no round trip to
// the server four times a second. timeupdate does not bubble, so it is caught on its way down.
document.addEventListener('timeupdate', event => {
  const player = event.target;
  if (!(player instanceof HTMLVideoElement) || player.dataset.testid !== 'player') return;
  const chapters = [...document.querySelectorAll('[data-testid=chapters] .chapter')];
  const playing = chapters.filter(c => Number(c.dataset.start) <= player.currentTime + 0.05).pop();
  for (const chapter of chapters) {
    if (chapter === playing) chapter.setAttribute('aria-current', 'true');
    else chapter.removeAttribute('aria-current');
  }
}, true);

// Blazor's own retry loop does not know about a reconnect made by hand: an attempt of it that was already under
// way can still end in 'retrying' or 'failed' afterwards, over a live connection. Until the next drop ('show'),
// such late states are cleared again.
let reconnectedByHand = false;

function clearReconnectBanner() {
  document.getElementById('components-reconnect-modal')?.classList.remove(
    'components-reconnect-show', 'components-reconnect-retrying', 'components-reconnect-failed',
    'components-reconnect-rejected', 'components-reconnect-paused', 'components-reconnect-resume-failed');
  stopWatchingServer();
}

// While the connection is down, Blazor retries at once ten times, then every 5 s, then every 30 s, and stops after
// 30 tries: a server that comes back after a minute would be noticed up to 30 s late, or never. So the page asks
// the server itself every 2 s (a small static file, no sign-in needed) and reconnects the moment it answers.
const serverProbeMs = 2000;
let serverWatch = null;

function watchServer() {
  if (serverWatch) return;
  serverWatch = setInterval(async () => {
    try {
      const response = await fetch('favicon.svg', { cache: 'no-store' });
      if (!response.ok) return;
    } catch {
      return; // still down
    }
    stopWatchingServer();
    if (!await vaas.reconnect()) watchServer();
  }, serverProbeMs);
}

function stopWatchingServer() {
  clearInterval(serverWatch);
  serverWatch = null;
}

// Blazor raises its reconnect states on the banner element itself, without bubbling; a listener on document sees
// them only in the capture phase.
document.addEventListener('components-reconnect-state-changed', e => {
  const state = e.detail?.state;
  if (state === 'rejected' || state === 'resume-failed') {
    // The server no longer knows this page: start afresh, which also shows the present state of everything.
    location.reload();
  } else if (state === 'show' || state === 'paused') {
    reconnectedByHand = false;
    watchServer();
  } else if (state === 'hide') {
    stopWatchingServer();
  } else if (reconnectedByHand && (state === 'retrying' || state === 'failed')) {
    setTimeout(clearReconnectBanner);
  } else if (state === 'failed') {
    watchServer();
  }
}, true);
