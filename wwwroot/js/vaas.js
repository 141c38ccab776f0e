// Small helpers the Blazor pages call.
window.vaas = {
  // Moves a <video> to a time and plays from there.
  seek(video, seconds) {
    if (!video) return;
    video.currentTime = seconds;
    video.play().catch(() => { /* autoplay may be refused; the position is set either way */ });
  },
};

// The server no longer knows this page (it restarted, or the circuit expired): start afresh.
document.addEventListener('components-reconnect-state-changed', e => {
  if (e.detail?.state === 'rejected' || e.detail?.state === 'resume-failed') {
    location.reload();
  }
});
