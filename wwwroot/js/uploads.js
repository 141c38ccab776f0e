// Resumable uploads with tus-js-client. The bytes go over HTTP (PATCH /uploads/tus/{id}), never through the Blazor
// circuit; only small state changes are reported to the .NET component that shows them. Uploads outlive the
// component (the user can open another page), and the same file picked again after a closed tab or a lost
// network resumes where the server says it stopped.
const uploads = new Map();
let view = null;
const reportEveryMs = 200;

export function attach(dotnet, dropZone, input, options) {
  view = dotnet;
  const startAll = files => { for (const file of files) start(file, options); };
  input.addEventListener('change', () => { startAll([...input.files]); input.value = ''; });
  dropZone.addEventListener('dragover', e => { e.preventDefault(); dropZone.classList.add('dragging'); });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', e => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
    startAll([...e.dataTransfer.files]);
  });
  return [...uploads.values()].map(u => u.state);
}

export function detach(dotnet) {
  if (view === dotnet) view = null;
}

export function cancel(id) {
  const entry = uploads.get(id);
  if (!entry) return;
  entry.upload?.abort(true).catch(() => { });
  entry.state.status = 'cancelled';
  entry.state.message = 'Cancelled; nothing was kept.';
  report(entry, true);
}

export function resume(id) {
  const entry = uploads.get(id);
  if (entry && entry.state.status === 'interrupted') {
    entry.state.status = 'uploading';
    entry.state.message = 'Resuming…';
    report(entry, true);
    entry.upload.start();
  }
}

export function forget(id) {
  uploads.delete(id);
}

// What the person decided about a duplicate (kept both, or dropped the copy), so the row stays decided.
export function settle(id, status, message, taskId) {
  const entry = uploads.get(id);
  if (!entry) return;
  Object.assign(entry.state, { status, message, taskId: taskId ?? entry.state.taskId });
  if (status === 'dropped') entry.state.videoId = null;
}

async function start(file, options) {
  const state = {
    id: crypto.randomUUID(), name: file.name, size: file.size, sent: 0, status: 'uploading',
    message: null, taskId: null, videoId: null, resumedAt: null,
    duplicateOf: null, duplicateName: null, duplicateAdded: null,
  };
  const entry = { state, upload: null, lastReport: 0, timer: null };
  uploads.set(state.id, entry);
  if (file.size > options.maxBytes) {
    state.status = 'failed';
    state.message = `This file is ${formatBytes(file.size)}, larger than the ${formatBytes(options.maxBytes)} limit.`;
    report(entry, true);
    return;
  }
  if (file.size === 0) {
    state.status = 'failed';
    state.message = 'This file is empty.';
    report(entry, true);
    return;
  }

  entry.upload = new tus.Upload(file, {
    endpoint: options.endpoint,
    chunkSize: options.chunkBytes > 0 ? options.chunkBytes : Infinity,
    retryDelays: [0, 1000, 3000, 5000],
    removeFingerprintOnSuccess: true,
    metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
    onShouldRetry: err => {
      const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
      return !refusedCreation(err, status) && (status < 400 || status >= 500 || status === 409 || status === 423) && navigator.onLine;
    },
    onProgress: (sent, total) => {
      if (state.resumedAt === null && entry.resumed) state.resumedAt = sent;
      state.sent = sent;
      if (state.status !== 'uploading') { state.status = 'uploading'; state.message = null; }
      report(entry, sent === total);
    },
    onSuccess: ({ lastResponse }) => {
      state.sent = state.size;
      state.status = 'done';
      state.taskId = lastResponse.getHeader('Vaas-Task-Id') || null;
      state.videoId = lastResponse.getHeader('Vaas-Video-Id') || null;
      state.message = state.taskId ? 'Uploaded; ingestion queued.' : 'Uploaded.';
      const duplicateOf = lastResponse.getHeader('Vaas-Duplicate-Of');
      if (duplicateOf) {
        // The same bytes are already in the library: the page asks whether to keep both or drop this copy.
        state.status = 'duplicate';
        state.duplicateOf = duplicateOf;
        state.duplicateName = decodeURIComponent(lastResponse.getHeader('Vaas-Duplicate-Name') || '');
        state.duplicateAdded = lastResponse.getHeader('Vaas-Duplicate-Added') || null;
        state.message = `Already in the library as ${state.duplicateName}.`;
      }
      report(entry, true);
    },
    onError: err => {
      const response = err.originalResponse;
      const status = response ? response.getStatus() : 0;
      if (refusedCreation(err, status) || (status >= 400 && status < 500 && status !== 409 && status !== 423)) {
        state.status = 'failed';
        state.message = problemDetail(response) || `The server refused the upload (HTTP ${status}).`;
      } else {
        // Network gone or server briefly unavailable: keep what arrived and continue when possible.
        state.status = 'interrupted';
        state.message = 'Connection lost; the upload continues where it stopped when the network is back.';
        if (navigator.onLine) {
          setTimeout(() => resume(state.id), 2000);
        } else {
          window.addEventListener('online', () => resume(state.id), { once: true });
        }
      }
      report(entry, true);
    },
  });

  const previous = await entry.upload.findPreviousUploads();
  if (previous.length > 0) {
    entry.resumed = true;
    state.message = 'Resuming where the last attempt stopped…';
    entry.upload.resumeFromPreviousUpload(previous[0]);
  }
  report(entry, true);
  entry.upload.start();
}

// At most a few reports a second per upload; the important ones (start, end, errors) at once. While the page
// is cut off from the server the report cannot arrive; it is sent again until it does, so the row never stays
// at an old state (an upload can finish while the page is still reconnecting).
function report(entry, now) {
  const send = () => {
    entry.lastReport = Date.now();
    entry.timer = null;
    view?.invokeMethodAsync('OnUploadChanged', { ...entry.state }).catch(() => {
      if (!entry.timer) entry.timer = setTimeout(send, 1000);
    });
  };
  if (now) {
    clearTimeout(entry.timer);
    send();
  } else if (!entry.timer) {
    entry.timer = setTimeout(send, Math.max(0, reportEveryMs - (Date.now() - entry.lastReport)));
  }
}

// The server said no to starting the upload (too many queued tasks, too little disk space): trying again at once
// changes nothing, so the row shows the server's sentence instead of retrying.
function refusedCreation(err, status) {
  return !!err.originalRequest && err.originalRequest.getMethod() === 'POST' && (status === 409 || status === 507);
}

function problemDetail(response) {
  try {
    return JSON.parse(response.getBody()).detail;
  } catch {
    return null;
  }
}

function formatBytes(bytes) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : value.toFixed(2).replace(/\.?0+$/, '')} ${units[unit]}`;
}
