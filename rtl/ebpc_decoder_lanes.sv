// LANES EBPC decoders behind one output port of LANES words (docs/hardware.md "Lanes"; the
// lanes of a buffer: docs/format.md "Lanes").
//
// Each lane of a buffer is one transmission of its own lane engine (ebpc_decoder, unchanged),
// which reads that lane's two streams; the output port gives beat t = word t of every lane.
//
// Ports (valid/ready; a handshake is a cycle with both high):
// - cnt: one handshake per buffer: cnt_mask_i has a bit per lane of the buffer (lanes
//        0..count-1), cnt_data_i[k] is lane k's word count minus 1 (24 bits). Taken only when
//        every lane engine is idle (the previous buffer's last beat has been taken).
// - znz[k], bpc[k]: lane k's two input streams, exactly the ports of ebpc_decoder. A source
//        must offer every lane's streams independently (a lane whose words do not come stops
//        the output port, and with it every lane).
// - out: beat t carries word t of every lane in out_mask_o (the lanes of the buffer that
//        have not ended: all of them until the shorter lanes end, then only the longer last
//        lane): out_data_o[k] is lane k's word, out_last_o[k] flags lane k's last word.
//        out_valid_o waits until every lane in the mask has its word. out_data_o of a lane
//        outside the mask is not defined; out_mask_o and out_last_o are 0 there.
// With LANES = 1 the ports are ebpc_decoder's (cnt_mask_i is not looked at, out_mask_o is 1):
// the design is ebpc_decoder's to the gate.
module ebpc_decoder_lanes #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int Z = 16,
  parameter int LANES = 4
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      cnt_valid_i,
  output logic                      cnt_ready_o,
  input  logic [LANES-1:0]          cnt_mask_i,
  input  logic [LANES-1:0][23:0]    cnt_data_i,
  input  logic [LANES-1:0]          znz_valid_i,
  output logic [LANES-1:0]          znz_ready_o,
  input  logic [LANES-1:0][W-1:0]   znz_data_i,
  input  logic [LANES-1:0]          znz_last_i,
  input  logic [LANES-1:0]          bpc_valid_i,
  output logic [LANES-1:0]          bpc_ready_o,
  input  logic [LANES-1:0][2*W-1:0] bpc_data_i,
  input  logic [LANES-1:0]          bpc_pair_i,
  input  logic [LANES-1:0]          bpc_last_i,
  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [LANES-1:0]          out_mask_o,
  output logic [LANES-1:0][W-1:0]   out_data_o,
  output logic [LANES-1:0]          out_last_o
);
  logic [LANES-1:0] lane_cnt_valid, lane_idle, lane_valid, lane_ready, lane_last;

  if (LANES == 1) begin : g_one
    assign lane_cnt_valid = cnt_valid_i;
    assign cnt_ready_o = lane_idle[0];
    assign out_valid_o = lane_valid[0];
    assign lane_ready = out_ready_i;
    assign out_mask_o = 1'b1;
    assign out_last_o = lane_last;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_mask;
    assign unused_mask = cnt_mask_i[0];
    /* verilator lint_on UNUSEDSIGNAL */
  end else begin : g_join
    // A running engine (cnt_ready_o low) is a lane of the current buffer that has not ended.
    // An engine's out_valid_o and cnt_ready_o are registered-state functions (never of its
    // out_ready_i or cnt_valid_i): no loop.
    logic [LANES-1:0] active;
    assign active = ~lane_idle;
    assign cnt_ready_o = &lane_idle;
    assign lane_cnt_valid = {LANES{cnt_valid_i && cnt_ready_o}} & cnt_mask_i;
    assign out_valid_o = |active && &(lane_idle | lane_valid);
    assign lane_ready = {LANES{out_valid_o && out_ready_i}};
    assign out_mask_o = active;
    assign out_last_o = lane_last & active;
  end

  for (genvar k = 0; k < LANES; k++) begin : g_lane
    ebpc_decoder #(.W(W), .B(B), .Z(Z)) u_dec (
      .clk_i, .rst_ni,
      .cnt_valid_i(lane_cnt_valid[k]), .cnt_ready_o(lane_idle[k]), .cnt_data_i(cnt_data_i[k]),
      .znz_valid_i(znz_valid_i[k]), .znz_ready_o(znz_ready_o[k]), .znz_data_i(znz_data_i[k]),
      .znz_last_i(znz_last_i[k]),
      .bpc_valid_i(bpc_valid_i[k]), .bpc_ready_o(bpc_ready_o[k]), .bpc_data_i(bpc_data_i[k]),
      .bpc_pair_i(bpc_pair_i[k]), .bpc_last_i(bpc_last_i[k]),
      .out_valid_o(lane_valid[k]), .out_ready_i(lane_ready[k]), .out_data_o(out_data_o[k]),
      .out_last_o(lane_last[k])
    );
  end
endmodule
