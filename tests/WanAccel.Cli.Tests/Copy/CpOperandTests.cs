using WanAccel.Cli.Copy;

namespace WanAccel.Cli.Tests.Copy;

public sealed class CpOperandTests
{
    [Theory]
    [InlineData("vm.vhdx", null, "vm.vhdx")]
    [InlineData("./a:b", null, "./a:b")]
    [InlineData("/x/y:z", null, "/x/y:z")]
    [InlineData("dc:/images/", "dc", "/images/")]
    [InlineData("dc:images/vm.vhdx", "dc", "/images/vm.vhdx")]
    [InlineData("10.0.0.5:7443:/images/vm", "10.0.0.5:7443", "/images/vm")]
    [InlineData("core.example.net:7443:/i/x", "core.example.net:7443", "/i/x")]
    [InlineData("[fd00::1]:7443:/i/x", "[fd00::1]:7443", "/i/x")]
    public void Parse_ScpStyle_SplitsPeerAndPath(string text, string? peer, string path)
    {
        var operand = CpOperand.Parse(text);

        Assert.Equal(peer, operand.Peer);
        Assert.Equal(path, operand.Path);
        Assert.Equal(peer is not null, operand.IsRemote);
    }
}
