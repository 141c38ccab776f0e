// Small helpers the Blazor pages call.
window.vaas = {
  // Moves a <video> to a time and plays from there.
  seek(video, seconds) {
    if (!video) return;
    video.currentTime = seconds;
    video.play().catch(() => { /* autoplay may be refused; the position is set either way */ });
  },

  // "Try again" on the banner. Once Blazor has given up retrying by itself, a successful manual reconnect does not
  // clear the banner's state, so it is cleared here.
  async reconnect() {
    const ok = await Blazor.reconnect();
    if (ok) {
      reconnectedByHand = true;
      clearReconnectBanner();
    }
    return ok;
  },
};

// Blazor's own retry loop does not know about a reconnect made by hand: an attempt of it that was already under
// way can still end in 'retrying' or 'failed' afterwards, over a live connection. Until the next drop ('show'),
// such late states are cleared again.
let reconnectedByHand = false;

function clearReconnectBanner() {
  document.getElementById('components-reconnect-modal')?.classList.remove(
    'components-reconnect-show', 'components-reconnect-retrying', 'components-reconnect-failed', 'components-reconnect-rejected');
}

// The server no longer knows this page (it restarted, or the circuit expired): start afresh.
document.addEventListener('components-reconnect-state-changed', e => {
  const state = e.detail?.state;
  if (state === 'rejected' || state === 'resume-failed') {
    location.reload();
  } else if (state === 'show') {
    reconnectedByHand = false;
  } else if (reconnectedByHand && (state === 'retrying' || state === 'failed')) {
    setTimeout(clearReconnectBanner);
  }
});
