// EBPC decoder, one output word per cycle on any data (format: docs/stream-format.md).
//
// Ports (valid/ready):
// - cnt: N-1 in 24 bits, one handshake per transmission, taken when the decoder is idle.
// - znz: the ZNZ stream, one W-bit word per handshake, znz_last_i with its final word.
// - bpc: the BPC stream as the encoder writes it: two W-bit words per handshake
//        (bpc_data_i[2W-1:W] first), bpc_pair_i low when only the first is a stream word,
//        bpc_last_i with the final handshake. The decoder pulls no BPC word before it has
//        decoded a non-zero flag, so an all-zero transmission (empty BPC stream) takes none.
// - out: the N words, out_last_o with word N-1.
// Neither stream is read past its `last` handshake; after word N-1 the decoder drops what
// its windows still hold (padding bits) and takes the next count. It does not check the
// streams: corrupt streams give wrong words or no end (decode_streams is the checking decoder).
module ebpc_decoder #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int Z = 16
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           cnt_valid_i,
  output logic           cnt_ready_o,
  input  logic [23:0]    cnt_data_i,
  input  logic           znz_valid_i,
  output logic           znz_ready_o,
  input  logic [W-1:0]   znz_data_i,
  input  logic           znz_last_i,
  input  logic           bpc_valid_i,
  output logic           bpc_ready_o,
  input  logic [2*W-1:0] bpc_data_i,
  input  logic           bpc_pair_i,
  input  logic           bpc_last_i,
  output logic           out_valid_o,
  input  logic           out_ready_i,
  output logic [W-1:0]   out_data_o,
  output logic           out_last_o
);
  localparam int LZ = ebpc_pkg::clog2(Z);
  localparam int ZWIN = 3 * W;
  localparam int ZFW = ebpc_pkg::clog2(ZWIN + 1);
  localparam int ZTW = ebpc_pkg::clog2(1 + LZ + 1);

  logic running_q, nz_seen_q;
  logic [23:0] rem_q;
  logic [LZ-1:0] zr_q, zr_d;   // zeros left in the current run after the one decided now
  logic done, fire, clear;

  // ---- ZNZ run-length decoder: one zero/non-zero decision per cycle -------------------------
  logic [ZWIN-1:0] zwin;
  logic [ZFW-1:0] zfill;
  logic [ZTW-1:0] ztake, zneed;
  logic dec_valid, dec_zero;

  ebpc_bit_window #(.W(W), .NWORDS(1), .WIN(ZWIN), .TAKE_MAX(1 + LZ)) u_znz_win (
    .clk_i, .rst_ni, .enable_i(running_q), .clear_i(clear),
    .in_valid_i(znz_valid_i), .in_ready_o(znz_ready_o), .in_data_i(znz_data_i), .in_pair_i(1'b1),
    .in_last_i(znz_last_i), .win_o(zwin), .fill_o(zfill), .take_i(ztake)
  );

  always_comb begin
    dec_valid = 1'b0;
    dec_zero = 1'b1;
    zneed = '0;
    zr_d = zr_q;
    if (zr_q != '0) begin
      dec_valid = 1'b1;
      zr_d = zr_q - LZ'(1);
    end else if (zfill != '0 && zwin[ZWIN-1]) begin
      dec_valid = 1'b1;
      dec_zero = 1'b0;
      zneed = ZTW'(1);
    end else if (zfill >= ZFW'(1 + LZ)) begin
      dec_valid = 1'b1;
      zneed = ZTW'(1 + LZ);
      zr_d = zwin[ZWIN-2 -: LZ];
    end
  end

  // ---- BPC path ---------------------------------------------------------------------------
  logic blk_valid, blk_ready, head_valid;
  logic [W-1:0] blk_base, head;
  logic [B-1:1][W:0] blk_delta;

  ebpc_bpc_decoder #(.W(W), .B(B)) u_bpc (
    .clk_i, .rst_ni, .enable_i(running_q && nz_seen_q), .clear_i(clear),
    .bpc_valid_i, .bpc_ready_o, .bpc_data_i, .bpc_pair_i, .bpc_last_i,
    .blk_valid_o(blk_valid), .blk_ready_i(blk_ready), .blk_base_o(blk_base), .blk_delta_o(blk_delta)
  );

  ebpc_delta_reversal #(.W(W), .B(B)) u_rev (
    .clk_i, .rst_ni, .clear_i(clear),
    .blk_valid_i(blk_valid), .blk_ready_o(blk_ready), .blk_base_i(blk_base), .blk_delta_i(blk_delta),
    .head_valid_o(head_valid), .head_o(head), .pop_i(fire && !dec_zero)
  );

  // ---- output -------------------------------------------------------------------------------
  assign out_valid_o = running_q && dec_valid && (dec_zero || head_valid);
  assign out_data_o = dec_zero ? '0 : head;
  assign out_last_o = rem_q == '0;
  assign fire = out_valid_o && out_ready_i;
  assign done = fire && out_last_o;
  assign clear = done;
  assign ztake = fire ? zneed : '0;
  assign cnt_ready_o = !running_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      running_q <= 1'b0;
      nz_seen_q <= 1'b0;
      rem_q <= '0;
      zr_q <= '0;
    end else if (done) begin
      running_q <= 1'b0;
      nz_seen_q <= 1'b0;
      zr_q <= '0;
    end else begin
      if (cnt_valid_i && cnt_ready_o) begin
        running_q <= 1'b1;
        rem_q <= cnt_data_i;
      end
      if (running_q && dec_valid && !dec_zero) nz_seen_q <= 1'b1;
      if (fire) begin
        zr_q <= zr_d;
        rem_q <= rem_q - 24'd1;
      end
    end
  end
endmodule
