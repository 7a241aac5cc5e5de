using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

/// <summary>The Gear table and masks are wire contract: if these fail, peers of different versions stop deduplicating.</summary>
public sealed class GearTableTests
{
    [Theory]
    [InlineData(0, 0x8F82_055F_6C0B_0AFCUL)]
    [InlineData(1, 0x955E_CD56_4590_0FAEUL)]
    [InlineData(2, 0x1A79_AA0A_133C_64FBUL)]
    [InlineData(127, 0x0573_842A_7D82_1562UL)]
    [InlineData(255, 0xA124_CFAC_3580_C9D5UL)]
    public void Values_Entry_MatchesPinnedConstant(int index, ulong expected)
    {
        Assert.Equal(expected, GearTable.Values[index]);
    }

    [Fact]
    public void Values_WholeTable_MatchesPinnedFold()
    {
        ulong fold = 0;
        foreach (ulong value in GearTable.Values)
        {
            fold = ulong.RotateLeft(fold, 7) ^ value;
        }

        Assert.Equal(0x936D_8768_6D46_FC5CUL, fold);
    }

    [Fact]
    public void ShiftedValues_EveryEntry_IsValueShiftedLeftByOne()
    {
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(GearTable.Values[i] << 1, GearTable.ShiftedValues[i]);
        }
    }

    [Fact]
    public void Masks_DefaultOptions_AreFifteenAndElevenBitsEndingAtBit62()
    {
        var segmenter = new Segmenter();

        Assert.Equal(0x7FFF_0000_0000_0000UL, segmenter.MaskS);
        Assert.Equal(0x7FF0_0000_0000_0000UL, segmenter.MaskL);
    }
}
