using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// One length-prefixed upload through the edge rule to a <see cref="FramedSink"/>, with an optional fault injected
/// part-way. Whatever the fault, it checks the one thing that must never happen: wrong bytes (a reply that is not the
/// payload's hash, or a sink that got anything but a prefix of the payload). It returns how each end saw the transfer.
/// </summary>
internal static class FramedTransfer
{
    /// <summary>Bytes the sink must have received before <c>fault</c> runs: the transfer is under way end to end.</summary>
    public const int UnderWayBytes = 1 << 20;

    public static async Task<(Exception? ClientError, SinkOutcome Sink)> RunAsync(
        AppliancePair pair, FramedSink sink, byte[] data, int pauseAt = 0, Func<Task>? fault = null)
    {
        Exception? clientError = null;
        try
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            var reply = await FramedSink.SendAsync(client, data, pair.Token, pauseAt, fault is null ? null : async () =>
            {
                await sink.WaitReceivedAsync(sink.BytesReceived + UnderWayBytes, pair.Token);
                await fault();
            });
            Assert.Equal(SHA256.HashData(data), reply);
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException)
        {
            clientError = e;
        }

        var outcome = await sink.NextOutcomeAsync(pair.Token);
        Assert.True(outcome.IsPrefixOf(data), $"the destination got bytes that are not the payload's prefix ({outcome})");
        Assert.True(outcome.End != SinkEnd.TrailingBytes, $"the destination got more than was sent ({outcome})");
        if (clientError is null)
        {
            Assert.Equal(SinkEnd.Complete, outcome.End);
        }

        return (clientError, outcome);
    }

    /// <summary>A transfer without a fault: byte-exact end to end.</summary>
    public static async Task AssertByteExactAsync(AppliancePair pair, FramedSink sink, byte[] data)
    {
        var (error, outcome) = await RunAsync(pair, sink, data);
        Assert.Null(error);
        Assert.Equal(data.Length, outcome.Received);
    }

    /// <summary>The fault broke the transfer: the client saw a connection error and the destination a reset, not an end.</summary>
    public static void AssertResetOnBothSides((Exception? ClientError, SinkOutcome Sink) result)
    {
        Assert.True(result.ClientError is SocketException, $"the client should see a connection error, saw {result.ClientError?.ToString() ?? "success"}");
        Assert.True(result.Sink.End == SinkEnd.Reset, $"the destination should see a reset, saw {result.Sink}");
    }
}
