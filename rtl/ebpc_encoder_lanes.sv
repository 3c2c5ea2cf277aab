// LANES EBPC encoders behind one input port of LANES words (docs/hardware.md "Lanes"; the
// lanes of a buffer: docs/format.md "Lanes").
//
// A buffer of N words is cut into count = min(LANES, max(1, N / 16384)) contiguous lanes
// (every lane but the last floor(N / count / 64) * 64 words, the last the rest); each lane is
// one transmission of its own lane engine (ebpc_encoder, unchanged), so lane k's two streams
// are the streams encode_streams writes for lane k's words.
//
// Ports (valid/ready; a handshake is a cycle with both high):
// - in:  beat t carries word t of every lane in in_mask_i: in_data_i[k] is lane k's word,
//        in_last_i[k] flags it as lane k's last word (in_data_i/in_last_i of a lane outside
//        the mask are ignored). Lanes the buffer does not have (k >= count) and lanes that
//        have ended (the last lane is longer) are outside the mask. in_ready_o is high when
//        every lane in the mask can take its word; the beat is taken whole or not at all.
// - znz[k], bpc[k]: lane k's two output streams, each with its own valid/ready, exactly the
//        ports of ebpc_encoder. A sink must drain every lane's streams independently (a
//        lane whose outputs are not taken stops the input port, and with it every lane).
// With LANES = 1 the port is ebpc_encoder's (in_mask_i must be 1 with every beat; it is not
// even looked at, so the design is ebpc_encoder's to the gate).
module ebpc_encoder_lanes #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int Z = 16,
  parameter int LANES = 4
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [LANES-1:0]          in_mask_i,
  input  logic [LANES-1:0][W-1:0]   in_data_i,
  input  logic [LANES-1:0]          in_last_i,
  output logic [LANES-1:0]          znz_valid_o,
  input  logic [LANES-1:0]          znz_ready_i,
  output logic [LANES-1:0][W-1:0]   znz_data_o,
  output logic [LANES-1:0]          znz_last_o,
  output logic [LANES-1:0]          bpc_valid_o,
  input  logic [LANES-1:0]          bpc_ready_i,
  output logic [LANES-1:0][2*W-1:0] bpc_data_o,
  output logic [LANES-1:0]          bpc_pair_o,
  output logic [LANES-1:0]          bpc_last_o
);
  logic [LANES-1:0] lane_valid, lane_ready;

  if (LANES == 1) begin : g_one
    assign lane_valid = in_valid_i;
    assign in_ready_o = lane_ready[0];
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_mask;
    assign unused_mask = in_mask_i[0];
    /* verilator lint_on UNUSEDSIGNAL */
  end else begin : g_join
    // An engine's in_ready_o depends on its word, never on its in_valid_i: no loop.
    assign in_ready_o = &(~in_mask_i | lane_ready);
    assign lane_valid = {LANES{in_valid_i && in_ready_o}} & in_mask_i;
  end

  for (genvar k = 0; k < LANES; k++) begin : g_lane
    ebpc_encoder #(.W(W), .B(B), .Z(Z)) u_enc (
      .clk_i, .rst_ni,
      .in_valid_i(lane_valid[k]), .in_ready_o(lane_ready[k]), .in_data_i(in_data_i[k]), .in_last_i(in_last_i[k]),
      .znz_valid_o(znz_valid_o[k]), .znz_ready_i(znz_ready_i[k]), .znz_data_o(znz_data_o[k]),
      .znz_last_o(znz_last_o[k]),
      .bpc_valid_o(bpc_valid_o[k]), .bpc_ready_i(bpc_ready_i[k]), .bpc_data_o(bpc_data_o[k]),
      .bpc_pair_o(bpc_pair_o[k]), .bpc_last_o(bpc_last_o[k])
    );
  end
endmodule
