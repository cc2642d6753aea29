// The vocoder's output around its latest heal: the last clean window and the window that triggered the heal, drawn
// from GET /api/v1/devices/{id}/waveforms (16-bit PCM) and played with Web Audio.
import { el } from './dom.js';

const WIDTH = 480;
const HEIGHT = 90;
let audio = null;

export function drawWaveforms(box, data) {
  const heal = data?.heal;
  if (!heal || (!heal.clean && !heal.corrupted)) {
    box.replaceChildren(el('p', { class: 'muted', id: 'no-waveforms' }, 'No output excerpts yet: a device attaches them to its heal events.'));
    return;
  }

  box.replaceChildren(
    el('p', { class: 'muted' }, `Heal ${heal.id} (${heal.diagnosis} → ${heal.outcome}) at ${new Date(heal.time).toLocaleString()}, ${heal.sampleRate} Hz`),
    el('div', { class: 'waves' }, wave('clean', 'Last clean output', heal.clean, heal.sampleRate), wave('corrupted', 'Output that triggered the heal', heal.corrupted, heal.sampleRate)));
}

function wave(kind, label, base64, sampleRate) {
  const figure = el('figure', { class: `wave ${kind}`, 'data-wave': kind });
  const caption = el('figcaption', {}, label);
  if (!base64) {
    figure.append(caption, el('p', { class: 'muted' }, 'not sent'));
    return figure;
  }

  const samples = decode(base64);
  const canvas = el('canvas', { width: WIDTH, height: HEIGHT, 'aria-label': label, 'data-wave-canvas': kind });
  const play = el('button', { type: 'button', class: 'play', 'data-play': kind, title: `play ${samples.length} samples, looped for a second` }, '▶ Play');
  play.onclick = () => playSamples(samples, sampleRate, play);
  caption.append(' ', play);
  figure.append(caption, canvas);
  draw(canvas, samples);
  return figure;
}

function decode(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const samples = new Float32Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return samples;
}

// Min and max of the samples under each pixel column, so a short excerpt and a noisy one both read truthfully.
function draw(canvas, samples) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fafbfc';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  ctx.strokeStyle = '#e3e6eb';
  ctx.beginPath();
  ctx.moveTo(0, HEIGHT / 2);
  ctx.lineTo(WIDTH, HEIGHT / 2);
  ctx.stroke();
  ctx.fillStyle = canvas.dataset.waveCanvas === 'corrupted' ? '#d9453b' : '#2563eb';
  const y = (v) => (1 - v) * (HEIGHT / 2);
  for (let px = 0; px < WIDTH; px++) {
    const from = Math.floor((px * samples.length) / WIDTH);
    const to = Math.max(from + 1, Math.floor(((px + 1) * samples.length) / WIDTH));
    let lo = 1;
    let hi = -1;
    for (let i = from; i < to && i < samples.length; i++) {
      lo = Math.min(lo, samples[i]);
      hi = Math.max(hi, samples[i]);
    }
    if (hi < lo) continue;
    ctx.fillRect(px, y(hi), 1, Math.max(1, y(lo) - y(hi)));
  }
  canvas.dataset.drawn = String(samples.length);
}

function playSamples(samples, sampleRate, button) {
  audio ??= new AudioContext();
  const buffer = audio.createBuffer(1, samples.length, sampleRate);
  buffer.copyToChannel(samples, 0);
  const source = audio.createBufferSource();
  const gain = audio.createGain();
  gain.gain.value = 0.5;
  source.buffer = buffer;
  source.loop = true;
  source.connect(gain).connect(audio.destination);
  button.dataset.state = 'playing';
  source.onended = () => { button.dataset.state = 'played'; };
  audio.resume().then(() => {
    source.start();
    source.stop(audio.currentTime + 1);
  });
}
