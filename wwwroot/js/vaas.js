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
      document.getElementById('components-reconnect-modal')?.classList.remove(
        'components-reconnect-show', 'components-reconnect-retrying', 'components-reconnect-failed', 'components-reconnect-rejected');
    }
    return ok;
  },
};

// The server no longer knows this page (it restarted, or the circuit expired): start afresh.
document.addEventListener('components-reconnect-state-changed', e => {
  if (e.detail?.state === 'rejected' || e.detail?.state === 'resume-failed') {
    location.reload();
  }
});
