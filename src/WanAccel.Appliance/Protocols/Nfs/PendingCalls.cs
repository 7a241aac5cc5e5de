namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// Calls waiting for their replies, by XID, at most <see cref="Capacity"/>: when full the oldest is forgotten (its reply
/// is then skipped), so a peer that never replies cannot make the table grow. ~100 bytes an entry, ~400 KB when full.
/// </summary>
internal sealed class PendingCalls
{
    public const int Capacity = 4096;

    private readonly Dictionary<uint, PendingCall> _calls = [];
    private readonly Queue<uint> _order = new();

    public void Add(uint xid, PendingCall call)
    {
        if (!_calls.ContainsKey(xid))
        {
            if (_calls.Count == Capacity)
            {
                // The order queue may hold XIDs already answered; drop until one still waiting is gone.
                while (_order.TryDequeue(out var oldest) && !_calls.Remove(oldest))
                {
                }
            }

            _order.Enqueue(xid);
            TrimOrder();
        }

        _calls[xid] = call;
    }

    public bool TryGet(uint xid, out PendingCall call) => _calls.TryGetValue(xid, out call);

    public void Remove(uint xid) => _calls.Remove(xid);

    /// <summary>Keeps the order queue within 2 × capacity by dropping XIDs already answered from its head.</summary>
    private void TrimOrder()
    {
        while (_order.Count > 2 * Capacity && _order.TryPeek(out var head) && !_calls.ContainsKey(head))
        {
            _order.Dequeue();
        }

        if (_order.Count > 2 * Capacity)
        {
            // Every XID at the head still waits: rebuild the queue from the table (rare; bounded by capacity).
            var waiting = _order.Where(_calls.ContainsKey).Distinct().ToArray();
            _order.Clear();
            foreach (var xid in waiting)
            {
                _order.Enqueue(xid);
            }
        }
    }
}
