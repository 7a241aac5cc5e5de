namespace WanAccel.Appliance.Tests.Interception;

/// <summary>What an interception test needs from the machine; see <see cref="InterceptionEnvironment.SkipReason"/>.</summary>
internal enum Requirement
{
    /// <summary>Linux: <c>SO_ORIGINAL_DST</c>, <c>SO_MARK</c>, the sockaddr layouts, bash.</summary>
    Linux,

    /// <summary>Linux as root: <c>SO_MARK</c> needs CAP_NET_ADMIN.</summary>
    Root,

    /// <summary>Root, <c>ip netns</c> permitted, <c>nft</c> and <c>socat</c> installed.</summary>
    Namespaces,
}
