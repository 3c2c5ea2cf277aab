// EBPC encoder, one input word per cycle on any data (format: docs/stream-format.md).
//
// Ports (valid/ready; a handshake is a cycle with both high):
// - in:  one W-bit word per handshake, in_last_i with word N-1 (a transmission is N >= 1 words).
// - znz: the ZNZ stream, one W-bit word per handshake, MSB first; znz_last_o with its final
//        word (padded with 0 bits).
// - bpc: the BPC stream, two W-bit words per handshake (bpc_data_o[2W-1:W] is the earlier
//        word); only the final handshake (bpc_last_o) may carry one word, then bpc_pair_o is
//        low and bpc_data_o[W-1:0] is zero. No BPC handshake at all when every word is zero.
// Transmissions may follow each other back to back; words of the next one are taken once the
// ZNZ stream of the current one has been flushed.
//
// Structure: zero words go to the ZNZ run-length stage only, non-zero words also to the
// delta collector (exact W+1-bit deltas, computed as the words arrive). A full block goes to
// the coder (base, then P planes per cycle), whose fields go to a 2W-bit-word packer. The
// last block is padded with zero words in the cycle of the last word.
module ebpc_encoder #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int Z = 16
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           in_valid_i,
  output logic           in_ready_o,
  input  logic [W-1:0]   in_data_i,
  input  logic           in_last_i,
  output logic           znz_valid_o,
  input  logic           znz_ready_i,
  output logic [W-1:0]   znz_data_o,
  output logic           znz_last_o,
  output logic           bpc_valid_o,
  input  logic           bpc_ready_i,
  output logic [2*W-1:0] bpc_data_o,
  output logic           bpc_pair_o,
  output logic           bpc_last_o
);
  localparam int LZ = ebpc_pkg::clog2(Z);
  localparam int ZNZ_MAX = 2 + LZ;  // `0`+run, then `1`
  localparam int ZLENW = ebpc_pkg::clog2(ZNZ_MAX + 1);
  localparam int CW = ebpc_pkg::clog2(B + 1);
  localparam int P = ebpc_pkg::planes_per_cycle(W, B);
  localparam int S = ebpc_pkg::sym_max_nbits(W, B);
  localparam int OUT_MAX = ebpc_pkg::max2(W, P * (S + 3 + ebpc_pkg::clog2(W)));
  localparam int OLENW = ebpc_pkg::clog2(OUT_MAX + 1);

  // ---- input handshake -------------------------------------------------------------
  logic in_zero, in_fire, znz_ok, bpc_ok, handover, coder_ready;
  assign in_zero = in_data_i == '0;

  // ---- ZNZ run-length stage ------------------------------------------------------------
  logic [LZ-1:0] zc_q;  // zeros seen in the current run (0..Z-1)
  logic [ZNZ_MAX-1:0] znz_bits;
  logic [ZLENW-1:0] znz_nbits;
  logic [LZ-1:0] zc_d;

  always_comb begin
    znz_bits = '0;
    znz_nbits = '0;
    zc_d = zc_q;
    if (in_zero) begin
      if (zc_q == LZ'(Z - 1) || in_last_i) begin
        znz_bits = {1'b0, zc_q, 1'b0};
        znz_nbits = ZLENW'(1 + LZ);
        zc_d = '0;
      end else begin
        zc_d = zc_q + LZ'(1);
      end
    end else if (zc_q != '0) begin
      znz_bits = {1'b0, zc_q - LZ'(1), 1'b1};
      znz_nbits = ZLENW'(2 + LZ);
      zc_d = '0;
    end else begin
      znz_bits = {1'b1, {(ZNZ_MAX - 1){1'b0}}};
      znz_nbits = ZLENW'(1);
    end
  end

  ebpc_bit_packer #(.W(W), .NWORDS(1), .IN_MAX(ZNZ_MAX)) u_znz_pack (
    .clk_i, .rst_ni,
    .in_valid_i(in_fire), .in_ready_o(znz_ok), .in_data_i(znz_bits), .in_len_i(znz_nbits),
    .in_last_i(in_last_i),
    .out_valid_o(znz_valid_o), .out_ready_i(znz_ready_i), .out_data_o(znz_data_o),
    /* verilator lint_off PINCONNECTEMPTY */
    .out_full_o(),
    /* verilator lint_on PINCONNECTEMPTY */
    .out_last_o(znz_last_o)
  );

  // ---- delta collector -----------------------------------------------------------------
  logic [CW-1:0] cnt_q;      // words in the block (B: full, waiting for the coder)
  logic [W-1:0] base_q;
  logic [B-1:1][W:0] delta_q;
  logic [W-1:0] prev_q;
  logic blk_last_q, blk_empty_q, has_nz_q;
  logic [CW-1:0] slot;              // where an accepted non-zero word goes

  assign handover = cnt_q == CW'(B) && coder_ready;
  assign slot = handover ? '0 : cnt_q;
  assign bpc_ok = cnt_q != CW'(B) || handover;
  assign in_ready_o = znz_ok && (in_zero || bpc_ok);
  assign in_fire = in_valid_i && in_ready_o;

  logic coder_valid, bpk_ready, coder_last;
  logic [OUT_MAX-1:0] coder_bits;
  logic [OLENW-1:0] coder_nbits;

  ebpc_bpc_coder #(.W(W), .B(B)) u_coder (
    .clk_i, .rst_ni,
    .load_valid_i(cnt_q == CW'(B)), .load_ready_o(coder_ready),
    .load_base_i(base_q), .load_delta_i(delta_q), .load_last_i(blk_last_q), .load_empty_i(blk_empty_q),
    .out_valid_o(coder_valid), .out_ready_i(bpk_ready), .out_data_o(coder_bits), .out_len_o(coder_nbits),
    .out_last_o(coder_last)
  );

  ebpc_bit_packer #(.W(W), .NWORDS(2), .IN_MAX(OUT_MAX)) u_bpc_pack (
    .clk_i, .rst_ni,
    .in_valid_i(coder_valid), .in_ready_o(bpk_ready), .in_data_i(coder_bits), .in_len_i(coder_nbits),
    .in_last_i(coder_last),
    .out_valid_o(bpc_valid_o), .out_ready_i(bpc_ready_i), .out_data_o(bpc_data_o),
    .out_full_o(bpc_pair_o), .out_last_o(bpc_last_o)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      zc_q <= '0;
      cnt_q <= '0;
      blk_last_q <= 1'b0;
      blk_empty_q <= 1'b0;
      has_nz_q <= 1'b0;
    end else begin
      if (handover) begin
        cnt_q <= '0;
        blk_last_q <= 1'b0;
        blk_empty_q <= 1'b0;
      end
      if (in_fire) begin
        zc_q <= zc_d;
        has_nz_q <= !in_last_i && (has_nz_q || !in_zero);
        if (!in_zero) begin
          // exact delta against the previous non-zero word of the block (the base: none)
          if (slot == '0) begin
            base_q <= in_data_i;
          end else begin
            for (int i = 1; i < B; i++) begin
              if (CW'(i) == slot) delta_q[i] <= {in_data_i[W-1], in_data_i} - {prev_q[W-1], prev_q};
            end
          end
          prev_q <= in_data_i;
          if (in_last_i) begin
            // pad the block with zero words: the first pad delta is -word, the rest 0
            for (int i = 1; i < B; i++) begin
              if (CW'(i) == slot + CW'(1)) delta_q[i] <= '0 - {in_data_i[W-1], in_data_i};
              else if (CW'(i) > slot + CW'(1)) delta_q[i] <= '0;
            end
            cnt_q <= CW'(B);
            blk_last_q <= 1'b1;
          end else begin
            cnt_q <= slot + CW'(1);
          end
        end else if (in_last_i) begin
          if (slot != '0) begin
            // a partial block: pad it (slot < B here: a full block that waits keeps cnt B)
            if (slot != CW'(B)) begin
              for (int i = 1; i < B; i++) begin
                if (CW'(i) == slot) delta_q[i] <= '0 - {prev_q[W-1], prev_q};
                else if (CW'(i) > slot) delta_q[i] <= '0;
              end
            end
            cnt_q <= CW'(B);
            blk_last_q <= 1'b1;
          end else if (has_nz_q) begin
            // every block already went to the coder: send it an empty `last`
            cnt_q <= CW'(B);
            blk_last_q <= 1'b1;
            blk_empty_q <= 1'b1;
          end
        end
      end
    end
  end
endmodule
