import { useEffect, useLayoutEffect, useRef } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { applyInk, drawStroke, drawStrokes, type Point, type Strokes } from './strokes';

export interface SignaturePadProps {
  strokes: Strokes;
  onChange: (next: Strokes) => void;
  label: string;
  clearLabel: string;
  disabled?: boolean;
  testId?: string;
}

interface LiveStroke {
  pointerId: number;
  points: Point[];
}

/** 4 decimals is sub-pixel on any tablet and keeps saved audits small. */
const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;

function toPoint(canvas: HTMLCanvasElement, e: { clientX: number; clientY: number }): Point {
  const rect = canvas.getBoundingClientRect();
  return [round((e.clientX - rect.left) / rect.width), round((e.clientY - rect.top) / rect.height)];
}

/** Pens and fast fingers deliver several samples per frame; without them curves turn into polygons. */
function samples(e: PointerEvent): readonly { clientX: number; clientY: number }[] {
  const coalesced = 'getCoalescedEvents' in e ? e.getCoalescedEvents() : [];
  return coalesced.length > 0 ? coalesced : [e];
}

/** Sizes the backing store to the displayed size at devicePixelRatio, then draws everything afresh. */
function paint(canvas: HTMLCanvasElement, strokes: Strokes): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  const backingW = Math.max(1, Math.round(width * dpr));
  const backingH = Math.max(1, Math.round(height * dpr));
  // Assigning width clears the canvas even when unchanged, which is what a repaint wants anyway.
  canvas.width = backingW;
  canvas.height = backingH;
  ctx.setTransform(backingW / Math.max(1, width), 0, 0, backingH / Math.max(1, height), 0, 0);
  drawStrokes(ctx, strokes, width, height);
}

export function SignaturePad(props: SignaturePadProps) {
  const { strokes, onChange, label, clearLabel, disabled = false, testId } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // Read from the ResizeObserver callback and pointer handlers, which must not re-subscribe per render.
  const strokesRef = useRef(strokes);
  const liveRef = useRef<LiveStroke | null>(null);

  const repaint = useRef(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const live = liveRef.current;
    paint(canvas, live ? [...strokesRef.current, live.points] : strokesRef.current);
  });

  useLayoutEffect(() => {
    strokesRef.current = strokes;
    repaint.current();
  }, [strokes]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() => {
      repaint.current();
    });
    observer.observe(canvas);
    return () => {
      observer.disconnect();
    };
  }, []);

  const onPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    // A second finger or the heel of the hand must not start a competing stroke.
    if (disabled || liveRef.current || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    liveRef.current = { pointerId: e.pointerId, points: [toPoint(e.currentTarget, e)] };
    repaint.current();
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const live = liveRef.current;
    if (live?.pointerId !== e.pointerId) return;
    const canvas = e.currentTarget;
    const previous = live.points.at(-1);
    const added = samples(e.nativeEvent).map((s) => toPoint(canvas, s));
    live.points.push(...added);
    const ctx = canvas.getContext('2d');
    if (!ctx || previous === undefined) return;
    // Only the new segment is painted; a full redraw per move would lag on long signatures.
    const { width, height } = canvas.getBoundingClientRect();
    applyInk(ctx, width);
    drawStroke(ctx, [previous, ...added], width, height);
  };

  const endStroke = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const live = liveRef.current;
    if (live?.pointerId !== e.pointerId) return;
    liveRef.current = null;
    const next = [...strokesRef.current, live.points];
    // Until the parent re-renders, a quick next stroke must still build on this one.
    strokesRef.current = next;
    // Parent state changes once per stroke, not per pointer sample.
    onChange(next);
  };

  return (
    <div style={{ width: '100%' }}>
      <div style={{ border: '1px solid #8a8a8a', borderRadius: 4, background: '#fff', lineHeight: 0 }}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={label}
          data-testid={testId}
          aria-disabled={disabled || undefined}
          style={{
            display: 'block',
            width: '100%',
            height: 'auto',
            aspectRatio: '3 / 1',
            minHeight: 160,
            touchAction: 'none',
            cursor: disabled ? 'default' : 'crosshair',
          }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endStroke}
          onPointerCancel={endStroke}
        />
      </div>
      {!disabled && (
        <button
          type="button"
          className="button signature-pad__clear"
          onClick={() => {
            onChange([]);
          }}
          data-testid={testId === undefined ? undefined : `${testId}-clear`}
        >
          {clearLabel}
        </button>
      )}
    </div>
  );
}
