namespace WanAccel.Images.Regions;

/// <summary>Bytes to send under each <see cref="TransferPolicy"/>.</summary>
public sealed record TransferBytesReport(long Exact, long SkipGuestFree);
