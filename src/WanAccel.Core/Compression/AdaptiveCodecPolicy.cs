namespace WanAccel.Core.Compression;

/// <summary>
/// Picks the codec for one flow's literals from what the flow measures (<see cref="CodecSample"/>): while the link is the
/// bottleneck (most wall time spent waiting for the channel) and the next, denser codec on <see cref="CodecPolicyOptions.Ladder"/>
/// compresses with ease faster than the link carries input, it steps up (LZ4 → zstd:3 → zstd:9 → zstd:15); when the
/// encoder becomes the bottleneck (most wall time spent encoding), it steps down and leaves the codec it left alone for
/// <see cref="CodecPolicyOptions.StepDownHold"/>. Decisions come at most every <see cref="CodecPolicyOptions.EvaluationInterval"/>,
/// rest on at least <see cref="CodecPolicyOptions.MinEvaluationBytes"/> of input, and need
/// <see cref="CodecPolicyOptions.Confirmations"/> agreeing evaluations, so it does not flap.
/// In <see cref="CodecPolicyMode.Fixed"/> mode it never changes. Not thread-safe (one flow direction feeds it).
/// </summary>
public sealed class AdaptiveCodecPolicy
{
    private readonly CodecPolicyOptions _options;
    private readonly TimeProvider _time;
    private readonly long[] _heldUntil;
    private int _rung;
    private long _windowStart = -1;
    private long _input;
    private long _wire;
    private TimeSpan _encoding;
    private TimeSpan _waiting;
    private int _vote;
    private int _streak;

    public AdaptiveCodecPolicy(CodecPolicyOptions options, TimeProvider? time = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid codec policy options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _heldUntil = new long[options.Ladder.Count];
        Current = options.Mode == CodecPolicyMode.Fixed ? options.Fixed : options.Ladder[0].Codec;
    }

    /// <summary>The codec to use for literals from now on.</summary>
    public CodecSpec Current { get; private set; }

    /// <summary>Steps taken so far, up or down.</summary>
    public int Switches { get; private set; }

    /// <summary>Input rate over the last evaluated window, bytes per second (0 before the first).</summary>
    public double InputRate { get; private set; }

    /// <summary>Frame bytes per second over the last evaluated window: the link's rate while it is the bottleneck.</summary>
    public double WireRate { get; private set; }

    /// <summary>Adds one measurement; returns true when <see cref="Current"/> changed.</summary>
    public bool Observe(in CodecSample sample)
    {
        if (_options.Mode == CodecPolicyMode.Fixed)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        if (_windowStart < 0)
        {
            _windowStart = now;
        }

        _input += sample.InputBytes;
        _wire += sample.WireBytes;
        _encoding += sample.Encoding;
        _waiting += sample.Waiting;
        var elapsed = _time.GetElapsedTime(_windowStart, now);
        if (elapsed < _options.EvaluationInterval || _input < _options.MinEvaluationBytes)
        {
            return false;
        }

        var vote = Evaluate(elapsed.TotalSeconds, now);
        _windowStart = now;
        _input = 0;
        _wire = 0;
        _encoding = TimeSpan.Zero;
        _waiting = TimeSpan.Zero;
        _streak = vote != 0 && vote == _vote ? _streak + 1 : vote != 0 ? 1 : 0;
        _vote = vote;
        if (_streak < _options.Confirmations)
        {
            return false;
        }

        if (vote < 0)
        {
            _heldUntil[_rung] = now + (long)(_options.StepDownHold.TotalSeconds * _time.TimestampFrequency);
        }

        _rung += vote;
        _streak = 0;
        _vote = 0;
        Current = _options.Ladder[_rung].Codec;
        Switches++;
        return true;
    }

    /// <summary>+1 to step up, -1 to step down, 0 to stay, for the window just ended.</summary>
    private int Evaluate(double seconds, long now)
    {
        InputRate = _input / seconds;
        WireRate = _wire / seconds;
        var waitShare = _waiting.TotalSeconds / seconds;
        var encodeShare = _encoding.TotalSeconds / seconds;
        if (_rung > 0 && encodeShare >= _options.CpuBoundShare)
        {
            return -1;
        }

        if (_rung + 1 < _options.Ladder.Count && waitShare >= _options.LinkBoundShare && now >= _heldUntil[_rung + 1])
        {
            // The link carries InputRate of input at today's ratio; a denser codec lets more through, so it must keep up
            // with a multiple of that on the cores it has.
            var nextSpeed = _options.Ladder[_rung + 1].BytesPerSecondPerCore * _options.Cores;
            if (nextSpeed >= _options.Headroom * InputRate)
            {
                return 1;
            }
        }

        return 0;
    }
}
