namespace WanAccel.Images;

/// <summary>The single typed error every parser in this library throws for bad input.</summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(ImageError error, string message)
        : base(message) => Error = error;

    public ImageFormatException(ImageError error, string message, Exception inner)
        : base(message, inner) => Error = error;

    public ImageError Error { get; }
}
