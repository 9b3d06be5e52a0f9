import Banshitong
import SwiftUI

/// The start screen. Only layout: the state and its changes live in AppModel.
struct ContentView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        NavigationView {
            regionList
                .navigationTitle("行政区划")
                .toolbar {
                    ToolbarItem(placement: .navigationBarTrailing) {
                        Text(model.connectivity.label).foregroundColor(model.connectivity.color)
                    }
                }
        }
        .navigationViewStyle(.stack)
        .task { await model.loadRegions() }
        .task { await model.followConnectivity() }
    }

    @ViewBuilder
    private var regionList: some View {
        switch model.regions {
        case .loading:
            ProgressView()
        case .failed(let kind):
            VStack(spacing: 16) {
                Text(kind.message).multilineTextAlignment(.center)
                Button("重试") { Task { await model.loadRegions() } }
            }
            .padding(24)
        case .loaded(let regions) where regions.isEmpty:
            Text("暂无行政区划数据")
        case .loaded(let regions):
            List(regions, id: \.code) { region in
                HStack {
                    VStack(alignment: .leading) {
                        Text(region.name)
                        Text(region.code).font(.caption).foregroundColor(.secondary)
                    }
                    Spacer()
                    Text(region.level.label).font(.caption).foregroundColor(.secondary)
                }
            }
            .refreshable { await model.loadRegions() }
        }
    }
}
