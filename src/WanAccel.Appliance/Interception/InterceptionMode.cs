namespace WanAccel.Appliance.Interception;

/// <summary>How an interception rule learns where a flow goes.</summary>
public enum InterceptionMode
{
    /// <summary>Port forward: every connection accepted on the rule's address goes to the rule's fixed destination.</summary>
    Forward,

    /// <summary>
    /// Transparent: connections redirected to the rule's address by nftables/iptables (REDIRECT) keep their original
    /// destination, read with <c>SO_ORIGINAL_DST</c>; the far side connects there. Linux only.
    /// </summary>
    Transparent,
}
