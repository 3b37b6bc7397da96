/**
 * The video viewer in a real VS Code: every fixture video opens in the custom editor, the real
 * webview asks for a frame and shows it (decoded with WebCodecs, or, for a codec this host cannot
 * decode, a blank frame with a message naming the codec); the sample bytes the host sent it are
 * exactly the packets ffprobe lists, from a keyframe, in decode order.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VideoFeature } from '../../src/commands/videoCommands';
import { Commands, EXTENSION_ID, ViewTypes } from '../../src/constants';
import type { VideoEditorProvider } from '../../src/editor/videoEditorProvider';
import type { VideoPanel } from '../../src/editor/videoPanel';
import type { WebviewChannel } from '../../src/editor/viewerPanel';
import { parseEnvelope } from '../../src/shared/messenger';
import type { Envelope } from '../../src/shared/protocol';
import type { SamplesResult, VideoWebviewEvent } from '../../src/shared/videoProtocol';
import { defaultFixturesDir } from '../archive/server';
import { IBL_PATHS, IBL_ROOT } from '../fixtures/videogen';

type Shown = Extract<VideoWebviewEvent, { type: 'shown' }>;

/** Wraps a panel's channel: keeps the replies the panel sent to the webview's `video/samples` requests. */
class SamplesRecorder implements WebviewChannel {
  readonly replies: SamplesResult[] = [];
  private readonly _asked = new Set<number>();
  readonly onDidReceiveMessage: vscode.Event<unknown>;

  constructor(private readonly _webview: WebviewChannel) {
    this.onDidReceiveMessage = (listener, thisArg, disposables) =>
      _webview.onDidReceiveMessage(
        message => {
          const envelope = parseEnvelope(message);
          if (envelope?.kind === 'req' && envelope.method === 'video/samples') this._asked.add(envelope.id);
          listener.call(thisArg, message);
        },
        undefined,
        disposables,
      );
  }

  postMessage(message: Envelope): Thenable<boolean> {
    if (message.kind === 'ok' && this._asked.delete(message.id))
      this.replies.push(message.result as SamplesResult);
    return this._webview.postMessage(message);
  }
}

interface Packet {
  pos: number;
  size: number;
  key: boolean;
}

function ffprobePackets(path: string): Packet[] {
  const json = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pos,size,flags', '-of', 'json', path],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return (JSON.parse(json) as { packets: Array<{ pos: string; size: string; flags: string }> }).packets.map(
    p => ({ pos: Number(p.pos), size: Number(p.size), key: p.flags.startsWith('K') }),
  );
}

/** Resolves with the first `shown` event of `panel` that matches, or rejects after `timeoutMs`. */
function shown(panel: VideoPanel, match: (e: Shown) => boolean, timeoutMs = 60_000): Promise<Shown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${panel.document.fileName}: no frame shown within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = panel.onDidRender(e => {
      if (e.type === 'error') {
        clearTimeout(timer);
        sub.dispose();
        reject(new Error(`${panel.document.fileName}: ${e.message}`));
        return;
      }
      if (!match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Opens `uri` in the video viewer; resolves with its panel once it exists. */
async function openVideo(provider: VideoEditorProvider, uri: vscode.Uri): Promise<VideoPanel> {
  const opened = new Promise<VideoPanel>(resolve => {
    const sub = provider.onDidOpenPanel(panel => {
      if (panel.document.uri.toString() !== uri.toString()) return;
      sub.dispose();
      resolve(panel);
    });
  });
  await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.videoViewer);
  return opened;
}

describe('Video viewer (VS Code)', function () {
  this.timeout(180_000);
  let provider: VideoEditorProvider;
  let wrapping: vscode.Disposable;
  const recorders = new WeakMap<WebviewChannel, SamplesRecorder>();
  const videos = join(defaultFixturesDir(), 'video');

  before(async () => {
    const extension = vscode.extensions.getExtension<{ video: VideoFeature }>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    provider = (await extension.activate()).video.provider;
    wrapping = provider.wrapChannels(channel => {
      const recorder = new SamplesRecorder(channel);
      recorders.set(recorder, recorder);
      return recorder;
    });
  });

  after(() => wrapping.dispose());

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const mp4s = readdirSync(videos).filter(n => n.endsWith('.mp4'));

  for (const name of mp4s) {
    it(`${name}: shows frames decoded from exactly ffprobe's packets`, async () => {
      const path = join(videos, name);
      const uri = vscode.Uri.file(path);
      const panel = await openVideo(provider, uri);
      const first = await shown(panel, e => e.frame === 0);
      assert.ok(first.decoded, `${name}: frame 0 decoded (${first.message ?? 'no message'})`);
      const index = panel.document.index;
      assert.ok(index);
      // A frame in the middle of the last GOP: decoded from its keyframe.
      const target = Math.min(index.frames - 1, index.keyframeFrames[index.keyframeFrames.length - 1] + 2);
      const later = shown(panel, e => e.frame === target);
      panel.seek(target);
      assert.ok((await later).decoded, `${name}: frame ${target} decoded`);
      const recorder = recorders.get(panel.channel);
      // One request when the first answer's lookahead already reached the target (a one-GOP clip).
      assert.ok(recorder && recorder.replies.length >= 1, 'the webview asked for samples');
      const packets = ffprobePackets(path);
      const file = readFileSync(path);
      for (const reply of recorder.replies) {
        assert.ok(reply.samples[0].key, `${name}: the batch for ${reply.frame} starts at a keyframe`);
        assert.ok(
          reply.samples.some(s => s.frame === reply.frame),
          `${name}: frame ${reply.frame} is in its batch`,
        );
        // The sample list is decode order from the keyframe: find where it starts by its bytes.
        const start = packets.findIndex(
          p =>
            p.key &&
            p.size === reply.samples[0].data.byteLength &&
            file.subarray(p.pos, p.pos + p.size).equals(Buffer.from(reply.samples[0].data)),
        );
        assert.ok(
          start >= 0,
          `${name}: the first sample of frame ${reply.frame}'s batch is a keyframe packet`,
        );
        reply.samples.forEach((sample, k) => {
          const packet = packets[start + k];
          assert.ok(
            Buffer.from(sample.data).equals(file.subarray(packet.pos, packet.pos + packet.size)),
            `${name}: sample ${k} of frame ${reply.frame}'s batch is packet ${start + k}`,
          );
          assert.equal(sample.key, packet.key);
        });
      }
    });
  }

  it('says which codec an AVI (MPEG-4 Part 2) holds and shows a blank frame', async () => {
    const panel = await openVideo(provider, vscode.Uri.file(join(videos, 'dlclive__dog_clip.avi')));
    const first = await shown(panel, e => e.frame === 0);
    assert.equal(first.decoded, false);
    assert.match(first.message ?? '', /MPEG-4 Part 2/);
    assert.match(first.message ?? '', /This webview decodes/);
  });

  it('opens VP9 in WebM: decoded where this host supports VP9, else a message naming it', async () => {
    const panel = await openVideo(
      provider,
      vscode.Uri.file(join(videos, 'sleapiojs__centered_pair_low_quality.webm')),
    );
    const first = await shown(panel, e => e.frame === 0);
    if (!first.decoded) assert.match(first.message ?? '', /VP9/);
    else assert.equal(first.message, undefined);
  });

  it('copies a Python snippet for the frame shown', async () => {
    const panel = await openVideo(provider, vscode.Uri.file(join(videos, 'sleap__clip.mp4')));
    await shown(panel, e => e.frame === 0);
    const at = shown(panel, e => e.frame === 42);
    panel.seek(42);
    await at;
    const code = await vscode.commands.executeCommand<string>(Commands.videoCopyPythonSnippet);
    assert.match(code, /cv2\.VideoCapture\(".*sleap__clip\.mp4"\)/);
    assert.match(code, /frame_index = 42/);
  });

  it('opens a SLEAP .slp file on the video beside it, with its predictions drawn', async () => {
    const opened = new Promise<VideoPanel>(resolve => {
      const sub = provider.onDidOpenPanel(panel => {
        sub.dispose();
        resolve(panel);
      });
    });
    const slp = vscode.Uri.file(join(videos, 'sleap__clip.predictions.slp'));
    assert.equal(await vscode.commands.executeCommand(Commands.videoOpenPoseFile, slp), true);
    const panel = await opened;
    assert.match(panel.document.uri.path, /\/sleap__clip\.mp4$/, 'the video the labels were made on');
    for (let waited = 0; !panel.document.pose && waited < 60_000; waited += 100)
      await new Promise(resolve => setTimeout(resolve, 100));
    const pose = panel.document.pose;
    assert.ok(pose, 'the .slp is attached as the pose');
    assert.match(pose.label, /sleap__clip\.predictions\.slp/);
    assert.deepEqual([...pose.skeleton.nodes].sort(), ['head', 'thorax']);
    const frames = await pose.framesBetween(0, 99);
    const tracks = new Set(frames.flatMap(f => f.instances.map(i => i.track)));
    assert.equal(tracks.size, 2, `two tracks, got ${[...tracks].join(', ')}`);
  });

  it("opens an ImageSeries' external_file, the video beside the NWB file, in the video viewer", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const root = join(extension.extensionPath, '.cache', 'video', IBL_ROOT);
    const nwb = vscode.Uri.file(join(root, IBL_PATHS.raw));
    const video = vscode.Uri.file(join(root, IBL_PATHS.leftVideo));
    // As the raw file's OriginalVideoLeftCamera names it: relative to the NWB file's folder.
    const name = IBL_PATHS.leftVideo.slice(IBL_PATHS.raw.lastIndexOf('/') + 1);
    const opened = new Promise<VideoPanel>(resolve => {
      const sub = provider.onDidOpenPanel(panel => {
        if (panel.document.uri.toString() !== video.toString()) return;
        sub.dispose();
        resolve(panel);
      });
    });
    assert.equal(await vscode.commands.executeCommand(Commands.videoOpenExternalFile, nwb, name), true);
    const panel = await opened;
    await shown(panel, e => e.frame === 0);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand(Commands.videoOpenExternalFile, nwb, 'missing.mp4')),
      /missing\.mp4 is not next to/,
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(Commands.videoOpenExternalFile, nwb, '../../../../etc/x.mp4'),
      ),
      /is not next to/,
      'a path out of the session is not followed',
    );
  });
});
