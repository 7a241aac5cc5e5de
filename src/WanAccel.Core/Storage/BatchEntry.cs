namespace WanAccel.Core.Storage;

/// <summary>A record laid out in the store's write batch, indexed once the batch is written.</summary>
internal readonly record struct BatchEntry(ulong Prefix, long Offset, int Length);
