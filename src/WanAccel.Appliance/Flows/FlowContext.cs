using WanAccel.Core.Knowledge;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Flows;

/// <summary>What flows to and from one peer share: the local chunk store and what the peer is believed to hold.</summary>
public sealed record FlowContext(IChunkStore Store, IPeerKnowledge PeerKnowledge, FlowOptions Options);
