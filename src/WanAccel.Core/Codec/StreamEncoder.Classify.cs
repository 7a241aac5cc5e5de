using System.Runtime.InteropServices;
using WanAccel.Core.Chunking;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;

namespace WanAccel.Core.Codec;

/// <summary>Decides, chunk by chunk, what travels: zero runs, references, literals, and manifest groups.</summary>
public sealed partial class StreamEncoder
{
    // The open manifest group: consecutive chunks since the last boundary, zero run or stream start.
    private readonly ChunkId[] _groupIds;
    private readonly int[] _groupLengths;
    private int _groupCount;
    private long _groupBytes;

    // A known manifest that starts like the open group. While every chunk matches, the group's chunks are held back
    // (they are all known, so only their ids are kept); a full match at the group's end travels as one ManifestRef.
    private Manifest? _candidate;

    private void Classify(Segment[] segments, int segmentCount)
    {
        var chunk = 0;
        var offset = 0;
        for (var i = 0; i < segmentCount; i++)
        {
            var segment = segments[i];
            if (segment.IsZero)
            {
                EndGroup();
                AddZero(segment.Length);
            }
            else
            {
                AddChunk(chunk++, offset);
            }

            offset += segment.Length;
        }
    }

    private void AddChunk(int index, int offset)
    {
        ref readonly var id = ref _work.ChunkIds[index];
        var length = _work.ChunkLengths[index];
        Statistics.Chunks++;
        if (!_options.UseManifests)
        {
            EmitChunk(id, length, index, offset);
            return;
        }

        if (_groupCount == 0)
        {
            _candidate = _knowledge.TryGetManifest(id, out var manifest) ? manifest : null;
        }

        var held = false;
        if (_candidate is { } candidate)
        {
            if (_groupCount < candidate.Chunks.Length && candidate.Chunks[_groupCount] == id && _knowledge.Has(id))
            {
                held = true;
            }
            else
            {
                ReleaseHeld();
            }
        }

        if (!held)
        {
            EmitChunk(id, length, index, offset);
        }

        _groupIds[_groupCount] = id;
        _groupLengths[_groupCount] = length;
        _groupCount++;
        _groupBytes += length;
        if ((id.Prefix & _boundaryMask) == 0 || _groupCount == _options.MaxManifestChunks)
        {
            EndGroup();
        }
    }

    private void EmitChunk(in ChunkId id, int length, int index, int offset)
    {
        if (_knowledge.Has(id))
        {
            AddRef(id, length);
            return;
        }

        _knowledge.Add(id, length);
        Statistics.LiteralChunks++;
        Statistics.LiteralBytes += length;
        if (_work.Ops.Count > 0)
        {
            ref var last = ref CollectionsMarshal.AsSpan(_work.Ops)[^1];
            if (last.Kind == OpKind.Literals
                && last.InputStart + last.Length == offset
                && last.Length + length <= _options.LiteralBatchBytes)
            {
                last.Length += length;
                last.ChunkCount++;
                return;
            }
        }

        _work.Ops.Add(new EncodeOp { Kind = OpKind.Literals, Length = length, InputStart = offset, FirstChunk = index, ChunkCount = 1 });
    }

    private void AddRef(in ChunkId id, int length)
    {
        Statistics.RefChunks++;
        Statistics.RefBytes += length;
        _work.Ops.Add(new EncodeOp { Kind = OpKind.Ref, Id = id, Length = length });
    }

    private void AddZero(int length)
    {
        Statistics.ZeroBytes += length;
        var ops = _work.Ops.Count == 0 && _unwritten is { } previous ? previous.Ops : _work.Ops;
        if (ops.Count > 0 && ops[^1].Kind == OpKind.Zero)
        {
            CollectionsMarshal.AsSpan(ops)[^1].Length += length;
            return;
        }

        _work.Ops.Add(new EncodeOp { Kind = OpKind.Zero, Length = length });
    }

    /// <summary>The open group stopped matching its candidate manifest: its held-back chunks go out as references.</summary>
    private void ReleaseHeld()
    {
        for (var i = 0; i < _groupCount; i++)
        {
            AddRef(_groupIds[i], _groupLengths[i]);
        }

        _candidate = null;
    }

    private void EndGroup()
    {
        if (_groupCount == 0)
        {
            return;
        }

        if (_candidate is { } candidate && _groupCount == candidate.Chunks.Length)
        {
            Statistics.ManifestRefs++;
            Statistics.ManifestRefBytes += _groupBytes;
            _work.Ops.Add(new EncodeOp { Kind = OpKind.ManifestRef, Manifest = candidate, Id = candidate.Id, Length = _groupBytes });
        }
        else
        {
            if (_candidate is not null)
            {
                ReleaseHeld();
            }

            if (_groupCount >= 2)
            {
                var ids = _groupIds.AsSpan(0, _groupCount).ToArray();
                var manifest = new Manifest(Manifest.ComputeId(ids), ids, _groupBytes);
                var known = _knowledge.Has(manifest.Id);
                _knowledge.AddManifest(manifest);
                if (!known)
                {
                    Statistics.ManifestDefs++;
                    _work.Ops.Add(new EncodeOp { Kind = OpKind.ManifestDef, Id = manifest.Id, ChunkCount = _groupCount });
                }
            }
        }

        _candidate = null;
        _groupCount = 0;
        _groupBytes = 0;
    }
}
